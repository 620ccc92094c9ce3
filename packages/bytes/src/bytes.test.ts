import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bytesEqual,
  compareBytes,
  concatBytes,
  encodeLeb128,
  fromHex,
  startsWithBytes,
  toHex,
} from './index.js';

describe('bytes', () => {
  it('concatenates and compares', () => {
    expect([...concatBytes(new Uint8Array([1]), new Uint8Array(), new Uint8Array([2, 3]))]).toEqual(
      [1, 2, 3],
    );
    expect(compareBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBeLessThan(0);
    expect(compareBytes(new Uint8Array([2]), new Uint8Array([1, 9]))).toBeGreaterThan(0);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(startsWithBytes(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(true);
    expect(startsWithBytes(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
  it('encodes LEB128 so that decoding gives the number back', () => {
    expect([...encodeLeb128(624485)]).toEqual([0xe5, 0x8e, 0x26]);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), (n) => {
        const bytes = encodeLeb128(n);
        let back = 0n;
        bytes.forEach((b, i) => (back |= BigInt(b & 0x7f) << BigInt(7 * i)));
        expect(back).toBe(n);
        expect(bytes[bytes.length - 1]! & 0x80).toBe(0);
      }),
    );
    expect(() => encodeLeb128(-1)).toThrow(RangeError);
    expect(() => encodeLeb128(1.5)).toThrow(RangeError);
  });
});

describe('toHex / fromHex', () => {
  it('writes lowercase hex, two digits a byte, and reads it back', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(bytes);
    expect(hex.slice(0, 8)).toBe('00010203');
    expect(hex.slice(-4)).toBe('feff');
    expect(fromHex(hex)).toEqual(bytes);
    expect(toHex(new Uint8Array())).toBe('');
  });
});
