/**
 * Parameter registry: every model is a tree of `Module`s whose tf.Variables carry PyTorch state-dict
 * names (`encoder.backbone.layers.0.layers.1.running_mean`, ...). Loading the authors' weights is then
 * `loadStateDict(model, map)`, and unknown, missing or mis-shaped keys are reported by name.
 */
import { tf } from './tf';
import type { Tensor, Variable } from './tf';

/** One state-dict entry as read from disk: raw typed data (row-major) plus its shape. */
export interface StateTensor {
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | ArrayLike<number>;
  shape: readonly number[];
}

/** A PyTorch-style state dict: key → array. */
export type StateDict = Map<string, StateTensor>;

/** What `loadStateDict` found. `missing`/`unexpected` are empty on a clean load. */
export interface LoadReport {
  loaded: string[];
  missing: string[];
  unexpected: string[];
}

/** Seeded initialisers: a module-wide counter gives every new weight its own reproducible seed. */
let initSeed = 1234;
/** Sets the seed used by the next weight initialisations (call before building a model). */
export function setInitSeed(seed: number): void {
  initSeed = seed;
}
function nextSeed(): number {
  initSeed = (initSeed * 1103515245 + 12345) % 2147483648;
  return initSeed;
}

/** PyTorch's default Linear/Conv init: U(−1/√fanIn, 1/√fanIn) (kaiming_uniform with a = √5). */
export function uniformFanIn(shape: number[], fanIn: number): Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return tf.randomUniform(shape, -bound, bound, 'float32', nextSeed());
}

/** xavier_uniform_(gain): U(±gain·√(6/(fanIn+fanOut))), the Conformer `Linear` wrapper's init. */
export function xavierUniform(shape: number[], fanIn: number, fanOut: number, gain = 1): Tensor {
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -bound, bound, 'float32', nextSeed());
}

/** xavier_normal_(gain): N(0, gain·√(2/(fanIn+fanOut))), as `deepnorm_init` uses for Linear weights. */
export function xavierNormal(shape: number[], fanIn: number, fanOut: number, gain = 1): Tensor {
  const std = gain * Math.sqrt(2 / (fanIn + fanOut));
  return tf.randomNormal(shape, 0, std, 'float32', nextSeed());
}

/**
 * Base class of every layer and model. Subclasses register their weights with `param`, their
 * non-trainable state (BatchNorm running statistics, RoPE frequencies, ...) with `buffer`, and their
 * sub-modules with `child`, in the same order as the PyTorch module so state dicts list keys alike.
 */
export class Module {
  private readonly ownParams = new Map<string, Variable>();
  private readonly ownBuffers = new Map<string, Variable>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable weight under `name`; `init` is consumed (disposed) after copying. */
  protected param(name: string, init: Tensor): Variable {
    return this.register(this.ownParams, name, init, true);
  }

  /** Registers non-trainable state under `name` (saved in state dicts, never given to the optimiser). */
  protected buffer(name: string, init: Tensor): Variable {
    return this.register(this.ownBuffers, name, init, false);
  }

  /** Registers a sub-module. The same module may be registered under two names (PyTorch aliases). */
  protected child<M extends Module>(name: string, module: M): M {
    if (this.children.has(name)) throw new Error(`${this.constructor.name}: child '${name}' registered twice`);
    this.children.set(name, module);
    return module;
  }

  private register(into: Map<string, Variable>, name: string, init: Tensor, trainable: boolean): Variable {
    if (this.ownParams.has(name) || this.ownBuffers.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' registered twice`);
    }
    const v = tf.variable(init, trainable);
    init.dispose();
    into.set(name, v);
    return v;
  }

  /** Every trainable weight with its dotted PyTorch name (aliases listed under each name). */
  namedParameters(prefix = ''): Array<[string, Variable]> {
    const out: Array<[string, Variable]> = [];
    for (const [n, v] of this.ownParams) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** Every state-dict entry (weights and buffers) in PyTorch order: own params, own buffers, children. */
  namedState(prefix = ''): Array<[string, Variable]> {
    const out: Array<[string, Variable]> = [];
    for (const [n, v] of this.ownParams) out.push([prefix + n, v]);
    for (const [n, v] of this.ownBuffers) out.push([prefix + n, v]);
    for (const [n, c] of this.children) out.push(...c.namedState(`${prefix}${n}.`));
    return out;
  }

  /** This module and every descendant once each (aliases visited once), parents first. */
  *modules(seen: Set<Module> = new Set()): Generator<Module> {
    if (seen.has(this)) return;
    seen.add(this);
    yield this;
    for (const c of this.children.values()) yield* c.modules(seen);
  }

  /** The state dict as a name → variable map. */
  stateDict(): Map<string, Variable> {
    return new Map(this.namedState());
  }

  /** Distinct trainable variables (aliases counted once), for optimisers and `tf.variableGrads`. */
  get trainableVariables(): Variable[] {
    return [...new Set(this.namedParameters().map(([, v]) => v))];
  }

  /** Number of distinct trainable scalars. */
  countParameters(): number {
    return this.trainableVariables.reduce((s, v) => s + v.size, 0);
  }

  /** Frees every variable of this module tree. */
  dispose(): void {
    for (const v of new Set(this.namedState().map(([, x]) => x))) v.dispose();
  }
}

/** A container whose children are numbered or named like an nn.Sequential / nn.ModuleList. */
export class ModuleList<M extends Module = Module> extends Module {
  readonly items: M[] = [];
  constructor(items: Array<M | [string, M]> = []) {
    super();
    items.forEach((it, i) => (Array.isArray(it) ? this.add(it[0], it[1]) : this.add(String(i), it)));
  }
  /** Appends `module` under `name` (PyTorch's index in an nn.Sequential). */
  add<T extends M>(name: string, module: T): T {
    this.items.push(module);
    return this.child(name, module);
  }
}

function sameSize(a: readonly number[], b: readonly number[]): boolean {
  const size = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);
  // PyTorch 0-d scalars are sometimes stored as shape [1]; both hold one element.
  if (size(a) === 1 && size(b) === 1) return true;
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Copies a state dict into `model`. Throws when a key's shape differs (naming the key and both
 * shapes) and, when `strict` (default), when keys are missing or unexpected (listing them).
 * `source` names the origin (file or fixture) for error messages.
 */
export function loadStateDict(
  model: Module,
  dict: StateDict,
  opts: { strict?: boolean; source?: string } = {},
): LoadReport {
  const strict = opts.strict ?? true;
  const where = opts.source ? ` (${opts.source})` : '';
  const state = model.stateDict();
  const report: LoadReport = { loaded: [], missing: [], unexpected: [] };
  for (const [key, entry] of dict) {
    const v = state.get(key);
    if (!v) {
      report.unexpected.push(key);
      continue;
    }
    if (!sameSize(v.shape, entry.shape)) {
      throw new Error(`loadStateDict${where}: '${key}' has shape [${entry.shape}] but the model expects [${v.shape}]`);
    }
    const values = entry.data instanceof BigInt64Array ? Array.from(entry.data, (x) => Number(x)) : entry.data;
    const t = tf.tensor(values as ArrayLike<number> as number[], v.shape, v.dtype);
    v.assign(t);
    t.dispose();
    report.loaded.push(key);
  }
  for (const key of state.keys()) if (!dict.has(key)) report.missing.push(key);
  if (strict && (report.missing.length || report.unexpected.length)) {
    const show = (xs: string[]) => xs.slice(0, 10).join(', ') + (xs.length > 10 ? `, … (${xs.length} in all)` : '');
    throw new Error(
      `loadStateDict${where}: ` +
        (report.missing.length ? `missing keys: ${show(report.missing)}. ` : '') +
        (report.unexpected.length ? `unexpected keys: ${show(report.unexpected)}.` : ''),
    );
  }
  return report;
}

/**
 * Reads every entry of the model's state dict back into plain arrays (for saving checkpoints).
 * Asynchronous because GPU backends (WebGPU in Node) cannot read tensors synchronously.
 */
export async function exportStateDict(model: Module): Promise<StateDict> {
  const entries = [...model.namedState()];
  const values = await Promise.all(entries.map(([, v]) => v.data()));
  const out: StateDict = new Map();
  entries.forEach(([k, v], i) => {
    const data = v.dtype === 'int32' ? new Int32Array(values[i] as Int32Array) : new Float32Array(values[i] as Float32Array);
    out.set(k, { data, shape: [...v.shape] });
  });
  return out;
}
