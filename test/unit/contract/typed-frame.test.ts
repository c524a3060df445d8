/**
 * The typed frame the headless server uses for replies and events holding typed arrays: every
 * typed-array kind comes back bit for bit (NaN payloads, -0, denormals, 64-bit extremes), nested
 * values keep their JSON form, arrays are viewed in place when aligned, and malformed frames are
 * refused with a reason.
 */
import { describe, expect, it } from 'vitest';
import { containsTypedArray, decodeTypedFrame, encodeTypedFrame, type AnyTypedArray } from '../../../src/shared/typed-frame';

/** The raw bytes of a typed array (for bit-exact comparison, NaN payloads included). */
const bytesOf = (a: AnyTypedArray): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

// A NaN with a payload other than the canonical one: structured clone and memcpy keep it; JSON cannot.
const payloadNaN = new Float32Array(new Uint32Array([0x7fc00abc]).buffer)[0];

/** One array of each kind, at its type's extremes (limits from the ECMAScript typed-array ranges). */
const everyKind = (): Record<string, AnyTypedArray> => ({
  i8: new Int8Array([-128, 127, 0]),
  u8: new Uint8Array([0, 255]),
  u8c: new Uint8ClampedArray([0, 255, 128]),
  i16: new Int16Array([-32768, 32767]),
  u16: new Uint16Array([0, 65535]),
  i32: new Int32Array([-2147483648, 2147483647, -1]),
  u32: new Uint32Array([0, 4294967295]),
  f32: new Float32Array([Number.NaN, payloadNaN, Infinity, -Infinity, -0, 1.401298464324817e-45, 3.4028234663852886e38, 0.1]),
  f64: new Float64Array([Number.NaN, Infinity, -Infinity, -0, 5e-324, Number.MAX_VALUE, 0.1]),
  i64: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 0n]),
  u64: new BigUint64Array([0n, 2n ** 64n - 1n]),
});

describe('typed frame', () => {
  it('round-trips every typed-array kind bit for bit, keeping NaN (with its payload), ±Infinity and -0 in float arrays', () => {
    const sent = everyKind();
    const back = decodeTypedFrame(encodeTypedFrame(sent)) as Record<string, AnyTypedArray>;
    expect(Object.keys(back)).toEqual(Object.keys(sent));
    for (const [key, array] of Object.entries(sent)) {
      expect(back[key].constructor).toBe(array.constructor);
      expect(bytesOf(back[key])).toEqual(bytesOf(array));
    }
    expect(new Uint32Array(back.f32.buffer, back.f32.byteOffset, 2)[1]).toBe(0x7fc00abc);
    expect(Object.is(back.f64[3], -0)).toBe(true);
    expect(back.i64[0]).toBe(-(2n ** 63n));
    expect(back.u64[1]).toBe(2n ** 64n - 1n);
  });

  it('writes the arrays as raw little-endian IEEE 754 / two\'s complement bytes, each at a multiple of 8', () => {
    // 1.5f is 0x3FC00000; -2 as int16 is 0xFFFE: little-endian byte order puts the low byte first.
    const frame = encodeTypedFrame({ a: new Uint8Array([7]), b: new Float32Array([1.5]), c: new Int16Array([-2]) });
    const headLength = new DataView(frame.buffer).getUint32(4, true);
    expect(String.fromCharCode(...frame.subarray(0, 4))).toBe('DSA1');
    const head = JSON.parse(new TextDecoder().decode(frame.subarray(8, 8 + headLength))) as { arrays: { type: string; offset: number; length: number }[] };
    const dataStart = Math.ceil((8 + headLength) / 8) * 8;
    expect(head.arrays.map((a) => a.type)).toEqual(['Uint8Array', 'Float32Array', 'Int16Array']);
    for (const a of head.arrays) expect((dataStart + a.offset) % 8).toBe(0);
    const at = (i: number, n: number): number[] => Array.from(frame.subarray(dataStart + head.arrays[i].offset, dataStart + head.arrays[i].offset + n));
    expect(at(0, 1)).toEqual([7]);
    expect(at(1, 4)).toEqual([0x00, 0x00, 0xc0, 0x3f]);
    expect(at(2, 2)).toEqual([0xfe, 0xff]);
  });

  it('keeps nested objects, arrays of records, strings, booleans and nulls as JSON around the arrays', () => {
    const sent = {
      ok: true,
      result: {
        embedding: 'f', starIds: ['KIC 1', 'KIC 2'], cached: false, note: null, seconds: 0.25,
        x: new Float32Array([1, 2]), y: new Float32Array([3, 4]),
        series: [{ name: 'a', values: new Float64Array([0.5]) }, { name: 'b', values: new Int32Array([-1]) }, 7, 'text', [new Uint16Array([9])]],
      },
    };
    const back = decodeTypedFrame(encodeTypedFrame(sent));
    expect(back).toEqual(sent);
    const r = (back as typeof sent).result;
    expect(r.x).toBeInstanceOf(Float32Array);
    expect((r.series[1] as { values: Int32Array }).values).toBeInstanceOf(Int32Array);
    expect((r.series[4] as Uint16Array[])[0]).toBeInstanceOf(Uint16Array);
  });

  it('carries empty arrays and values with no arrays at all', () => {
    const back = decodeTypedFrame(encodeTypedFrame({ e32: new Float32Array(0), e64: new BigInt64Array(0), list: [] })) as { e32: Float32Array; e64: BigInt64Array; list: unknown[] };
    expect(back.e32).toBeInstanceOf(Float32Array);
    expect(back.e32).toHaveLength(0);
    expect(back.e64).toBeInstanceOf(BigInt64Array);
    expect(back.list).toEqual([]);
    expect(decodeTypedFrame(encodeTypedFrame({ a: [1, 'x', null] }))).toEqual({ a: [1, 'x', null] });
    expect(decodeTypedFrame(encodeTypedFrame(null))).toBeNull();
  });

  it('sends only the viewed part of arrays that are views at unaligned offsets (and a Node Buffer as Uint8Array)', () => {
    const backing = new ArrayBuffer(64);
    new Uint8Array(backing).forEach((_, i, a) => (a[i] = i));
    const sent = {
      odd: new Uint8Array(backing, 3, 5),
      f32: new Float32Array(backing, 4, 3), // aligned for 4 but not for 8
      buf: Buffer.from([1, 2, 3]),
    };
    const back = decodeTypedFrame(encodeTypedFrame(sent)) as { odd: Uint8Array; f32: Float32Array; buf: Uint8Array };
    expect(Array.from(back.odd)).toEqual([3, 4, 5, 6, 7]);
    expect(bytesOf(back.f32)).toEqual(bytesOf(sent.f32));
    expect(back.buf.constructor).toBe(Uint8Array);
    expect(Array.from(back.buf)).toEqual([1, 2, 3]);
  });

  it('views arrays in the received buffer when aligned, and copies them when the frame itself sits at an odd offset', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    const frame = encodeTypedFrame({ x });
    const inPlace = decodeTypedFrame(frame.buffer) as { x: Float64Array };
    expect(inPlace.x.buffer).toBe(frame.buffer);
    expect(bytesOf(inPlace.x)).toEqual(bytesOf(x));

    const shifted = new Uint8Array(frame.length + 3);
    shifted.set(frame, 3);
    const copied = decodeTypedFrame(shifted.subarray(3)) as { x: Float64Array };
    expect(copied.x.buffer).not.toBe(shifted.buffer);
    expect(bytesOf(copied.x)).toEqual(bytesOf(x));
  });

  it('refuses frames that are not frames, or that are cut short, naming the problem', () => {
    expect(() => decodeTypedFrame(new TextEncoder().encode('{"ok":true}'))).toThrow(/missing the DSA1 signature/);
    const frame = encodeTypedFrame({ x: new Float32Array(100) });
    expect(() => decodeTypedFrame(frame.slice(0, frame.length - 8))).toThrow(/array 0 \(Float32Array, 100 values\) runs past the frame's end/);
    expect(() => decodeTypedFrame(frame.slice(0, 12))).toThrow(/head of \d+ bytes runs past/);
  });

  it("refuses to encode an object with a '$typed' key (it would read back as an array)", () => {
    expect(() => encodeTypedFrame({ a: { $typed: 'Float32Array', index: 0 } })).toThrow(/reserves/);
  });

  it('finds typed arrays anywhere in plain values, and only there', () => {
    expect(containsTypedArray({ a: [{ b: new Int8Array(1) }] })).toBe(true);
    expect(containsTypedArray({ a: [1, 'x', { b: null }], d: new Date(0) })).toBe(false);
    expect(containsTypedArray(new DataView(new ArrayBuffer(1)))).toBe(false);
  });
});
