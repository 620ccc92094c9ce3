import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { stableJson } from './stable-json.js';

const text = (v: unknown): string => new TextDecoder().decode(stableJson.toBytes(v));

describe('stableJson', () => {
  it('writes the tagged format', () => {
    expect(text(5n)).toBe('{"__bigint__":"5"}');
    expect(text(Principal.fromText('aaaaa-aa'))).toBe('{"__principal__":"aaaaa-aa"}');
    expect(text(new Uint8Array([1, 2]))).toBe('{"__uint8array__":[1,2]}');
    expect(text({ a: undefined })).toBe('{"a":{"__undefined__":"__undefined__"}}');
  });
  it('round-trips values JSON lacks', () => {
    const value = {
      big: -(2n ** 70n),
      p: Principal.fromText('2vxsx-fae'),
      bytes: new Uint8Array([0, 255]),
      nan: NaN,
      inf: -Infinity,
      negZero: -0,
      map: new Map<unknown, unknown>([[1n, 'x']]),
      set: new Set([1, 2]),
      u64: new BigUint64Array([2n ** 64n - 1n]),
      f32: new Float32Array([1.5]),
    };
    const back = stableJson.fromBytes(stableJson.toBytes(value)) as typeof value;
    expect(back.big).toBe(value.big);
    expect(back.p.toText()).toBe('2vxsx-fae');
    expect(back.bytes).toEqual(value.bytes);
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(-Infinity);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect(back.map.get(1n)).toBe('x');
    expect([...back.set]).toEqual([1, 2]);
    expect(back.u64[0]).toBe(2n ** 64n - 1n);
    expect(back.f32[0]).toBe(1.5);
  });
  it('names the text it could not parse', () => {
    expect(() => stableJson.fromBytes(new TextEncoder().encode('{oops'))).toThrow(
      /jsonParse: Error parsing JSON: .*text: \{oops/,
    );
  });
});

describe('stableJson fast paths', () => {
  it('write and read exactly what the general path does', () => {
    for (const value of [
      'plain',
      'with "quotes" and \\ slashes',
      '',
      0,
      42,
      -7.5,
      1e21,
      true,
      false,
      5n,
      -(2n ** 80n),
    ]) {
      const general = JSON.stringify(value, (_k, v: unknown) =>
        typeof v === 'bigint' ? { __bigint__: v.toString() } : v,
      );
      expect(new TextDecoder().decode(stableJson.toBytes(value))).toBe(general);
      expect(stableJson.fromBytes(stableJson.toBytes(value))).toEqual(value);
    }
  });
  it('leave tagged and structured values to the reviver', () => {
    const text = '{"__bigint__":"5","extra":1}';
    expect(stableJson.fromBytes(new TextEncoder().encode(text))).toEqual({
      __bigint__: '5',
      extra: 1,
    });
    expect(stableJson.fromBytes(stableJson.toBytes(-0))).toBe(-0);
    expect(stableJson.fromBytes(stableJson.toBytes(NaN))).toBeNaN();
  });
});
