/**
 * OpenBLAS 0.3.21 runs its AVX2 (Haswell) kernels on AVX-512 CPUs it does not know (AMD Zen 4); the loader asks for
 * its SkylakeX kernels there, from the CPU flags, and otherwise leaves OpenBLAS's own choice alone.
 */
import { describe, it, expect } from 'vitest';
import { chooseOpenBlasCore } from '../../../src/main/model/backend/native-kernels';

const cpuinfo = (flags: string) => () => `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: ${flags}\n\nprocessor\t: 1\n`;
const AVX512 = 'fpu sse sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl avx512_bf16';
const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

describe('OpenBLAS kernel choice', () => {
  it('asks for the SkylakeX kernels when the CPU has AVX-512 F/BW/DQ/VL', () => {
    const env: NodeJS.ProcessEnv = {};
    const expected = onLinuxX64 ? 'SKYLAKEX' : null;
    expect(chooseOpenBlasCore(env, cpuinfo(AVX512))).toBe(expected);
    expect(env.OPENBLAS_CORETYPE).toBe(expected ?? undefined);
  });

  it('leaves the choice to OpenBLAS without AVX-512, when the user chose, or when turned off', () => {
    const plain: NodeJS.ProcessEnv = {};
    expect(chooseOpenBlasCore(plain, cpuinfo('fpu sse sse2 avx avx2 fma avx512f'))).toBeNull();
    expect(plain.OPENBLAS_CORETYPE).toBeUndefined();
    const chosen: NodeJS.ProcessEnv = { OPENBLAS_CORETYPE: 'Haswell' };
    expect(chooseOpenBlasCore(chosen, cpuinfo(AVX512))).toBeNull();
    expect(chosen.OPENBLAS_CORETYPE).toBe('Haswell');
    const off: NodeJS.ProcessEnv = { DESA_OPENBLAS_CORETYPE: 'off' };
    expect(chooseOpenBlasCore(off, cpuinfo(AVX512))).toBeNull();
    expect(off.OPENBLAS_CORETYPE).toBeUndefined();
  });

  it('DESA_OPENBLAS_CORETYPE names the core explicitly, replacing OPENBLAS_CORETYPE', () => {
    const env: NodeJS.ProcessEnv = { OPENBLAS_CORETYPE: 'Haswell', DESA_OPENBLAS_CORETYPE: 'SKYLAKEX' };
    expect(chooseOpenBlasCore(env, cpuinfo('fpu sse'))).toBe('SKYLAKEX');
    expect(env.OPENBLAS_CORETYPE).toBe('SKYLAKEX');
  });
});
