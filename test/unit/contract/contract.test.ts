/**
 * The contract's runtime parts: the JSON mappings results go through, the method list the
 * transports check names against, and the error shape.
 */
import { describe, expect, it } from 'vitest';
import { ContractError, isMethodName, METHOD_NAMES } from '../../../src/shared/contract';
import { fromErrorJson, jsonify, plainJson, toErrorJson } from '../../../src/shared/rpc';
import { DesaServices } from '../../../src/main/services/index';

describe('plainJson (the CLI\'s JSON text form)', () => {
  it('turns float typed arrays into arrays exactly as JSON.stringify treats numbers (NaN, ±Infinity → null)', () => {
    const values = new Float32Array([1.5, Number.NaN, Number.POSITIVE_INFINITY, -0.25, 3.4028234663852886e38]);
    const viaJson = JSON.parse(JSON.stringify(Array.from(values))) as unknown;
    expect(plainJson(values)).toEqual(viaJson);
    expect(plainJson(new Float64Array([Number.NaN, 2]))).toEqual([null, 2]);
  });

  it('keeps float32 values exact (the JSON number is the float32 value widened to double)', () => {
    const values = new Float32Array([0.1, 1 / 3, 6563.28]);
    const back = Float32Array.from(plainJson(values) as number[]);
    expect(Array.from(back)).toEqual(Array.from(values));
  });

  it('converts nested records, integer arrays and drops undefined fields', () => {
    const record = { kind: 'spectrum', flux: new Float32Array([1, Number.NaN]), mask: new Int32Array([0, 4]), z: Number.NaN, note: undefined, nested: [{ id: 7n }] };
    expect(plainJson(record)).toEqual({ kind: 'spectrum', flux: [1, null], mask: [0, 4], z: null, nested: [{ id: '7' }] });
    expect(JSON.stringify(plainJson(record))).toBe(JSON.stringify({ kind: 'spectrum', flux: [1, null], mask: [0, 4], z: null, nested: [{ id: '7' }] }));
  });
});

describe('jsonify (the contract form the transports carry)', () => {
  it('writes bigint and 64-bit integer arrays as decimal strings that round-trip beyond 2^53', () => {
    const big = 2n ** 63n - 1n;
    expect(jsonify(big)).toBe('9223372036854775807');
    expect(jsonify(new BigInt64Array([big, -5n]))).toEqual(['9223372036854775807', '-5']);
    expect(BigInt(jsonify(new BigUint64Array([2n ** 64n - 1n]))[0])).toBe(2n ** 64n - 1n);
    expect(plainJson(new BigInt64Array([big]))).toEqual(['9223372036854775807']);
  });

  it('keeps typed arrays as they are (NaN inside them too) while other non-finite numbers become null', () => {
    const flux = new Float32Array([1, Number.NaN, Number.NEGATIVE_INFINITY]);
    const codes = new Int32Array([0, 4]);
    const out = jsonify({ flux, codes, z: Number.NaN, note: undefined, nested: [{ id: 7n, v: new Uint8Array([255]) }] });
    expect(out.flux).toBe(flux);
    expect(out.codes).toBe(codes);
    expect(Number.isNaN(out.flux[1])).toBe(true);
    expect(out.z).toBeNull();
    expect('note' in out).toBe(false);
    expect(out.nested[0].id).toBe('7');
    expect(out.nested[0].v).toBeInstanceOf(Uint8Array);
  });
});

describe('methods and errors', () => {
  it('recognises exactly the listed method names', () => {
    expect(METHOD_NAMES.every((m) => isMethodName(m))).toBe(true);
    expect(isMethodName('constructor')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(isMethodName(42)).toBe(false);
  });

  it('has a service handler for every method in the contract', async () => {
    const services = new DesaServices({ backend: 'cli' });
    for (const method of METHOD_NAMES) {
      const reply = await services.dispatch({ method, params: {} });
      // Params may be missing or no project open, but no method may be unknown to the services.
      if (!reply.ok) expect(reply.error.message).not.toMatch(/unknown method/);
    }
    await services.close();
  });

  it('rejects unknown methods and non-object params without throwing', async () => {
    const services = new DesaServices({ backend: 'cli' });
    expect(await services.dispatch({ method: 'toString', params: {} })).toEqual({ ok: false, error: { code: 'bad-request', message: "unknown method 'toString'" } });
    const arrayParams = await services.dispatch({ method: 'fits.info', params: ['x'] });
    expect(arrayParams).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const noProject = await services.dispatch({ method: 'project.status', params: {} });
    expect(noProject).toMatchObject({ ok: false, error: { code: 'no-project' } });
    await services.close();
  });

  it('offers the native folder dialog only where the host provides one', async () => {
    const headless = new DesaServices({ backend: 'server' });
    expect((await headless.call('app.info', {})).canPickDirectories).toBe(false);
    expect(await headless.dispatch({ method: 'app.pickDirectories', params: {} })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    const titles: string[] = [];
    const desktop = new DesaServices({ backend: 'electron', pickDirectories: async (title) => (titles.push(title), ['/data/lamost']) });
    expect((await desktop.call('app.info', {})).canPickDirectories).toBe(true);
    expect(await desktop.call('app.pickDirectories', { title: 'Choose folders to ingest' })).toEqual({ paths: ['/data/lamost'] });
    expect(titles).toEqual(['Choose folders to ingest']);
  });

  it('carries error code and message across a transport unchanged', () => {
    const original = new ContractError('bad-file', '/data/x.fits: truncated header');
    const wire = JSON.parse(JSON.stringify(toErrorJson(original))) as ReturnType<typeof toErrorJson>;
    const rebuilt = fromErrorJson(wire);
    expect(rebuilt).toBeInstanceOf(ContractError);
    expect([rebuilt.code, rebuilt.message]).toEqual(['bad-file', '/data/x.fits: truncated header']);
    expect(toErrorJson(new Error('boom'))).toEqual({ code: 'internal', message: 'boom' });
  });
});
