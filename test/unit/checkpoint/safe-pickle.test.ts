/**
 * The pickle reader must never execute anything: hostile checkpoints (built with Python's own
 * pickle, as an attacker would) and unknown opcodes are rejected with errors that name the file
 * and the offending opcode or class.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/main/model/checkpoint/errors.js';
import { importCheckpoint } from '../../../src/main/model/checkpoint/import-checkpoint.js';
import { parseTorchPickle, PyDict } from '../../../src/main/model/checkpoint/pickle.js';
import { writeWeightsDir } from '../../../src/main/model/checkpoint/weights-dir.js';
import { runPython } from '../../helpers/python.js';

let dir: string;

const MAKE_HOSTILE = `
import os, pickle, sys, zipfile, io, numpy as np, torch
out = sys.argv[1]
class Evil:
    def __reduce__(self):
        return (os.system, ('touch ' + out + '/pwned',))
def as_pth(name, payload):
    with zipfile.ZipFile(f'{out}/{name}.pth', 'w') as z:
        z.writestr('archive/data.pkl', payload)
        z.writestr('archive/version', '3\\n')
as_pth('os_system', pickle.dumps({'weight': Evil()}, protocol=2))
as_pth('numpy_array', pickle.dumps({'weight': np.zeros(3, dtype=np.float32)}, protocol=2))
as_pth('a_list', pickle.dumps([1, 2, 3], protocol=2))
as_pth('protocol4_eval', pickle.dumps({'w': eval}, protocol=4))
# A genuine checkpoint whose storage member is then truncated.
torch.save({'w': torch.arange(10.0)}, f'{out}/good.pth')
with zipfile.ZipFile(f'{out}/good.pth') as zin, zipfile.ZipFile(f'{out}/truncated.pth', 'w') as zout:
    for n in zin.namelist():
        data = zin.read(n)
        zout.writestr(n, data[:8] if '/data/' in n else data)
open(f'{out}/not_a_zip.pth', 'wb').write(b'\\x80\\x02}q\\x00.')  # a legacy (pre-zip) torch.save-like file
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'desa-pickle-'));
  await runPython(MAKE_HOSTILE, [dir]);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function rejection(fn: () => unknown): CheckpointError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return e as CheckpointError;
  }
  throw new Error('expected a CheckpointError, nothing was thrown');
}

describe('hostile or unsupported checkpoints are rejected', () => {
  it('refuses a pickle that calls os.system, and runs nothing', () => {
    const file = path.join(dir, 'os_system.pth');
    const err = rejection(() => importCheckpoint(file));
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/refusing global '(posix|os)\.system'/);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
  });

  it('refuses numpy arrays (not a torch state dict)', () => {
    const err = rejection(() => importCheckpoint(path.join(dir, 'numpy_array.pth')));
    expect(err.message).toMatch(/refusing global 'numpy\./);
  });

  it('refuses builtins.eval through STACK_GLOBAL (protocol 4)', () => {
    const err = rejection(() => importCheckpoint(path.join(dir, 'protocol4_eval.pth')));
    expect(err.message).toMatch(/refusing global 'builtins\.eval'/);
  });

  it('refuses a top level that is not a dict', () => {
    const err = rejection(() => importCheckpoint(path.join(dir, 'a_list.pth')));
    expect(err.message).toMatch(/not a dict/);
  });

  it('reports a truncated storage', () => {
    const err = rejection(() => importCheckpoint(path.join(dir, 'truncated.pth')));
    expect(err.message).toMatch(/storage data\/0 has 8 bytes, needs 40/);
  });

  it('reports a file that is not a zip archive', () => {
    const err = rejection(() => importCheckpoint(path.join(dir, 'not_a_zip.pth')));
    expect(err.message).toMatch(/not a zip archive/);
  });

  it('names an unknown opcode with its offset', () => {
    // PROTO 2, then INST ('i'), which can instantiate arbitrary classes and is not whitelisted.
    const bytes = new Uint8Array([0x80, 0x02, 0x69, ...new TextEncoder().encode('os\nsystem\n'), 0x2e]);
    const err = rejection(() => parseTorchPickle(bytes, 'crafted.pkl'));
    expect(err.message).toBe("crafted.pkl: pickle: opcode 0x69 'i' is not allowed in a state-dict pickle (at byte 2)");
  });

  it('names a byte that is no opcode at all', () => {
    const err = rejection(() => parseTorchPickle(new Uint8Array([0x80, 0x02, 0xff]), 'crafted.pkl'));
    expect(err.message).toMatch(/opcode 0xff .* not allowed/);
  });

  it('rejects a truncated stream instead of reading past it', () => {
    const err = rejection(() => parseTorchPickle(new Uint8Array([0x80, 0x02, 0x58, 0xff, 0xff, 0x00, 0x00, 0x61]), 'crafted.pkl'));
    expect(err.message).toMatch(/truncated stream/);
  });

  it('still accepts the plain data opcodes a state dict uses', () => {
    // {'a': 1} as Python's pickle writes it with protocol 2: PROTO, EMPTY_DICT, BINPUT, BINUNICODE, BINPUT, BININT1, SETITEM, STOP.
    const bytes = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x4b, 0x01, 0x73, 0x2e]);
    const value = parseTorchPickle(bytes, 'ok.pkl');
    expect(value).toBeInstanceOf(PyDict);
    expect([...(value as PyDict).map]).toEqual([['a', 1]]);
  });

  it('never writes outside the output folder, whatever the tensor keys', async () => {
    const out = path.join(dir, 'out');
    const data = new Float32Array([1, 2]);
    const manifest = await writeWeightsDir(out, new Map([['../../escape', { dtype: 'float32', shape: [2], data }], ['/abs/path', { dtype: 'float32', shape: [2], data }]]));
    for (const a of manifest.arrays) expect(path.dirname(path.resolve(out, a.file))).toBe(path.resolve(out));
    expect(readdirSync(dir)).not.toContain('escape.bin');
  });
});
