/**
 * The project's session file (`<project>/session.json`, see src/shared/session.ts): read with a
 * clear problem message instead of an exception (a damaged session must never stop a project from
 * opening), checked field by field, and written atomically (a temporary file, fsynced, renamed over
 * the old one), so a crash mid-save leaves the previous session intact.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { MapClassifyResult } from '../../shared/contract';
import {
  SESSION_FILE, SESSION_VERSION, type ColourScale, type MapSession, type SavedSession, type SavedSubset, type SavedView, type SessionLoadResult,
} from '../../shared/session';

/** A value that does not have the session's shape; `field` is its path ('map.subsets[1].name'). */
export class SessionFormatError extends Error {
  constructor(readonly field: string, readonly problem: string) {
    super(`'${field}' ${problem}`);
    this.name = 'SessionFormatError';
  }
}

/** The session file of a project folder. */
export function sessionPath(projectDir: string): string {
  return path.join(path.resolve(projectDir), SESSION_FILE);
}

/**
 * Reads a project's session. Never throws for a bad file: `problem` names the file and what is
 * wrong with it (unreadable, not JSON, another version, a bad field) and `session` is then null.
 * A missing file is no problem (a project opened for the first time).
 */
export function readSession(projectDir: string): SessionLoadResult {
  const file = sessionPath(projectDir);
  const fail = (problem: string): SessionLoadResult => ({ path: file, session: null, problem: `${file}: ${problem}; the session was not restored` });
  if (!existsSync(file)) return { path: file, session: null, problem: null };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot be read (${(err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return fail(`not valid JSON (${(err as Error).message})`);
  }
  const version = isObject(json) ? json.version : undefined;
  if (typeof version !== 'number') return fail(`not a DESA Studio session (no 'version' number)`);
  if (version !== SESSION_VERSION) {
    return fail(`session format version ${version}, but this DESA Studio reads version ${SESSION_VERSION}${version > SESSION_VERSION ? ' (saved by a newer app)' : ''}`);
  }
  try {
    return { path: file, session: checkSession(json), problem: null };
  } catch (err) {
    if (err instanceof SessionFormatError) return fail(`bad session: ${err.message}`);
    throw err;
  }
}

/**
 * Writes the map session into the project folder atomically and returns what was written.
 * @throws SessionFormatError when `map` does not have the session's shape (nothing is written)
 */
export function writeSession(projectDir: string, map: unknown, now: Date = new Date()): SavedSession {
  const session: SavedSession = { version: SESSION_VERSION, savedAt: now.toISOString(), map: checkMapSession(map, 'map') };
  writeJsonAtomic(sessionPath(projectDir), session);
  return session;
}

/** Writes JSON to `file` so that readers see either the old or the complete new content. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(value, null, 1)}\n`);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}

// ------------------------------------------------------------------ shape checks

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole session file's content. */
export function checkSession(json: unknown): SavedSession {
  const o = object(json, '(file)');
  if (o.version !== SESSION_VERSION) throw new SessionFormatError('version', `must be ${SESSION_VERSION}`);
  if (typeof o.savedAt !== 'string') throw new SessionFormatError('savedAt', 'must be an ISO time string');
  return { version: SESSION_VERSION, savedAt: o.savedAt, map: checkMapSession(o.map, 'map') };
}

/** The map part of a session (as `session.save` receives it and the file holds it). */
export function checkMapSession(value: unknown, at: string): MapSession {
  const o = object(value, at);
  const colour = o.colour === null || o.colour === undefined ? null : (() => {
    const c = object(o.colour, `${at}.colour`);
    return { column: text(c.column, `${at}.colour.column`), scale: checkScale(c.scale, `${at}.colour.scale`) };
  })();
  const classification = o.classification === null || o.classification === undefined ? null : checkClassification(o.classification, `${at}.classification`);
  const subsets = list(o.subsets ?? [], `${at}.subsets`).map((s, i): SavedSubset => {
    const so = object(s, `${at}.subsets[${i}]`);
    return { name: text(so.name, `${at}.subsets[${i}].name`), starIds: strings(so.starIds, `${at}.subsets[${i}].starIds`) };
  });
  const names = subsets.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new SessionFormatError(`${at}.subsets`, `names the subset '${twice}' twice`);
  return {
    embedding: optionalText(o.embedding, `${at}.embedding`),
    layout: optionalText(o.layout, `${at}.layout`),
    colour,
    view: o.view === null || o.view === undefined ? null : checkView(o.view, `${at}.view`),
    subsets,
    selection: o.selection === null || o.selection === undefined ? null : strings(o.selection, `${at}.selection`),
    classification,
  };
}

/**
 * A `map.classify` result: the fields the Map screen shows are checked; anything else it carries
 * (e.g. the classifier's settings) is kept as it is.
 */
function checkClassification(value: unknown, at: string): MapClassifyResult {
  const c = object(value, at);
  const numberList = (v: unknown, field: string): number[] => {
    const l = list(v, `${at}.${field}`);
    const bad = l.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
    if (bad >= 0) throw new SessionFormatError(`${at}.${field}[${bad}]`, 'must be a finite number');
    return l as number[];
  };
  if (typeof c.accuracy !== 'number' || !Number.isFinite(c.accuracy)) throw new SessionFormatError(`${at}.accuracy`, 'must be a finite number');
  return {
    ...(c as unknown as MapClassifyResult),
    name: text(c.name, `${at}.name`),
    labels: strings(c.labels, `${at}.labels`),
    columns: strings(c.columns, `${at}.columns`),
    accuracy: c.accuracy,
    foldAccuracies: numberList(c.foldAccuracies, 'foldAccuracies'),
    counts: numberList(c.counts, 'counts'),
    confusion: list(c.confusion, `${at}.confusion`).map((row, i) => numberList(row, `confusion[${i}]`)),
  };
}

function checkScale(value: unknown, at: string): ColourScale {
  const o = object(value, at);
  if (o.kind !== 'linear' && o.kind !== 'log') throw new SessionFormatError(`${at}.kind`, "must be 'linear' or 'log'");
  let range: [number, number] | null = null;
  if (o.range !== null && o.range !== undefined) {
    const r = list(o.range, `${at}.range`);
    if (r.length !== 2 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)) || !((r[0] as number) < (r[1] as number))) {
      throw new SessionFormatError(`${at}.range`, 'must be null or two finite numbers [low, high] with low < high');
    }
    range = [r[0] as number, r[1] as number];
  }
  return { kind: o.kind, range };
}

function checkView(value: unknown, at: string): SavedView {
  const o = object(value, at);
  const t = list(o.target, `${at}.target`);
  if (t.length !== 2 || !t.every((v) => typeof v === 'number' && Number.isFinite(v))) throw new SessionFormatError(`${at}.target`, 'must be two finite numbers [x, y]');
  if (typeof o.zoom !== 'number' || !Number.isFinite(o.zoom)) throw new SessionFormatError(`${at}.zoom`, 'must be a finite number');
  return { target: [t[0] as number, t[1] as number], zoom: o.zoom };
}

function object(value: unknown, at: string): Record<string, unknown> {
  if (!isObject(value)) throw new SessionFormatError(at, 'must be an object');
  return value;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) throw new SessionFormatError(at, 'must be an array');
  return value;
}

function text(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') throw new SessionFormatError(at, 'must be a non-empty string');
  return value;
}

function optionalText(value: unknown, at: string): string | null {
  return value === null || value === undefined ? null : text(value, at);
}

function strings(value: unknown, at: string): string[] {
  const l = list(value, at);
  const bad = l.findIndex((v) => typeof v !== 'string');
  if (bad >= 0) throw new SessionFormatError(`${at}[${bad}]`, 'must be a string');
  return l as string[];
}
