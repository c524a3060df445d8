/**
 * The torch.save importer against files written by real PyTorch (/usr/bin/python3 + torch):
 * dtypes, non-contiguous views, shared storages, OrderedDict metadata, DDP prefixes, deflate
 * members and big-endian storages. Expected values come from torch itself (printed as JSON).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCheckpoint, importCheckpointToDir } from '../../../src/main/model/checkpoint/import-checkpoint.js';
import { readWeightsDir } from '../../../src/main/model/checkpoint/weights-dir.js';
import { runPython } from '../../helpers/python.js';

let dir: string;
/** Per file: key → {shape, values (flattened C order, as float64/JSON)} from torch. */
let expected: Record<string, Record<string, { shape: number[]; values: number[] }>>;

const MAKE_FILES = `
import json, sys, zipfile, collections, torch
out = sys.argv[1]
torch.manual_seed(0)
base = torch.randn(4, 6)
sd = collections.OrderedDict()
sd['module.transposed'] = base.t()                      # non-contiguous (stride 1, 6)
sd['module.sliced'] = base[1:3, 2:5]                     # offset + non-contiguous
sd['module.shared_full'] = base                          # shares the storage of the two views above
sd['module.half'] = torch.tensor([1.5, -2.25, 65504.0, 6e-8], dtype=torch.float16)
sd['module.bf16'] = torch.tensor([1.0, -3.140625, 1e20], dtype=torch.bfloat16)
sd['module.long'] = torch.tensor([[1, -2], [3, 2**40]], dtype=torch.int64)
sd['module.flag'] = torch.tensor([True, False, True])
sd['module.scalar'] = torch.tensor(0.125, dtype=torch.float64)
sd['module.counter'] = torch.tensor(7)
sd['module.expanded'] = torch.arange(3.0).unsqueeze(0).expand(2, 3)  # stride 0
torch.save(sd, f'{out}/views.pth')

lin = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))  # real state_dict: OrderedDict + _metadata (BUILD)
torch.save(lin.state_dict(), f'{out}/module.pth')
torch.save(torch.nn.Linear(2, 2).state_dict(), f'{out}/plain_linear.pth')

# The same archive re-packed with deflate, and a big-endian variant (byteorder member + swapped storages).
def repack(src, dst, compress, big_endian=False):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', compress) as zout:
        root = zin.namelist()[0].split('/')[0]
        for name in zin.namelist():
            data = zin.read(name)
            if big_endian and '/data/' in name:
                import numpy as np
                data = np.frombuffer(data, dtype='<f4').astype('>f4').tobytes()
            if big_endian and name.endswith('/byteorder'):
                continue
            zout.writestr(name, data)
        if big_endian:
            zout.writestr(root + '/byteorder', 'big')
repack(f'{out}/module.pth', f'{out}/deflate.pth', zipfile.ZIP_DEFLATED)
# More than 65535 members makes zipfile write ZIP64 end records (entry count saturated at 0xFFFF).
with zipfile.ZipFile(f'{out}/module.pth') as zin, zipfile.ZipFile(f'{out}/zip64.pth', 'w') as zout:
    for name in zin.namelist():
        zout.writestr(name, zin.read(name))
    root = zin.namelist()[0].split('/')[0]
    for i in range(65600):
        zout.writestr(f'{root}/padding/{i}', b'')
repack(f'{out}/module.pth', f'{out}/bigendian.pth', zipfile.ZIP_STORED, big_endian=True)

def dump(d):
    return {k[len('module.'):] if k.startswith('module.') else k: {'shape': list(v.shape), 'values': v.double().flatten().tolist()} for k, v in d.items()}
print(json.dumps({'views': dump(sd), 'module': dump(lin.state_dict())}))
`;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'desa-ckpt-'));
  expected = JSON.parse(await runPython(MAKE_FILES, [dir]));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function expectMatches(actual: ReturnType<typeof importCheckpoint>, want: Record<string, { shape: number[]; values: number[] }>): void {
  expect([...actual.keys()]).toEqual(Object.keys(want));
  for (const [key, ref] of Object.entries(want)) {
    const t = actual.get(key)!;
    expect(t.shape, key).toEqual(ref.shape);
    const got = Array.from(t.data as ArrayLike<number | bigint>, Number);
    expect(got, key).toEqual(ref.values);
  }
}

describe('importCheckpoint on files written by torch.save', () => {
  it('reads views, dtypes, shared storages and strips the DDP prefix', () => {
    const sd = importCheckpoint(path.join(dir, 'views.pth'));
    expectMatches(sd, expected.views);
    expect(sd.get('half')!.dtype).toBe('float32');
    expect(sd.get('bf16')!.dtype).toBe('float32');
    expect(sd.get('long')!.dtype).toBe('int64');
    expect((sd.get('long')!.data as BigInt64Array)[3]).toBe(2n ** 40n);
    expect(sd.get('flag')!.dtype).toBe('uint8');
    expect(sd.get('scalar')!.shape).toEqual([]);
    expect(sd.get('scalar')!.dtype).toBe('float64');
  });

  it('reads a real module state_dict (OrderedDict with _metadata)', () => {
    expectMatches(importCheckpoint(path.join(dir, 'module.pth')), expected.module);
  });

  it('reads deflate-compressed members', () => {
    expectMatches(importCheckpoint(path.join(dir, 'deflate.pth')), expected.module);
  });

  it('reads archives with ZIP64 end records', () => {
    expectMatches(importCheckpoint(path.join(dir, 'zip64.pth')), expected.module);
  });

  it('honours a big-endian byteorder member', () => {
    expectMatches(importCheckpoint(path.join(dir, 'bigendian.pth')), expected.module);
  });

  it('writes a weights folder that reads back identically', async () => {
    const out = path.join(dir, 'weights');
    const summary = await importCheckpointToDir(path.join(dir, 'views.pth'), out);
    expect(summary.tensorCount).toBe(Object.keys(expected.views).length);
    expect(summary.valueCount).toBe(Object.values(expected.views).reduce((n, t) => n + t.values.length, 0));
    expect(summary.manifest.arrays.map((a) => a.name)).toEqual(Object.keys(expected.views));
    expectMatches(await readWeightsDir(out), expected.views);
  });
});
