import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecFor } from './candid-codec.js';

const principal = fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b));
// Each primitive type with a generator of its values.
const prims: Array<[IDL.Type, fc.Arbitrary<unknown>]> = [
  [IDL.Nat, fc.bigInt({ min: 0n, max: 2n ** 130n })],
  [IDL.Int, fc.bigInt({ min: -(2n ** 130n), max: 2n ** 130n })],
  [IDL.Nat8, fc.integer({ min: 0, max: 255 })],
  [IDL.Nat16, fc.integer({ min: 0, max: 65_535 })],
  [IDL.Nat32, fc.integer({ min: 0, max: 2 ** 32 - 1 })],
  [IDL.Nat64, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })],
  [IDL.Int8, fc.integer({ min: -128, max: 127 })],
  [IDL.Int16, fc.integer({ min: -32_768, max: 32_767 })],
  [IDL.Int32, fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })],
  [IDL.Int64, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  [IDL.Bool, fc.boolean()],
  [IDL.Null, fc.constant(null)],
  [IDL.Text, fc.string({ unit: 'grapheme' })],
  [IDL.Principal, principal],
  [IDL.Float64, fc.double({ noNaN: true })],
  [IDL.Vec(IDL.Nat8), fc.uint8Array()],
  [IDL.Opt(IDL.Text), fc.option(fc.string()).map((v) => (v === null ? [] : [v]))],
  [
    IDL.Record({ a: IDL.Nat, b: IDL.Text }),
    fc.record(
      { a: fc.bigInt({ min: 0n, max: 2n ** 70n }), b: fc.string() },
      { noNullPrototype: true },
    ),
  ],
];
const typedValues = fc
  .array(fc.integer({ min: 0, max: prims.length - 1 }), { maxLength: 4 })
  .chain((picks) =>
    fc.tuple(
      fc.constant(picks.map((i) => prims[i]![0])),
      fc.tuple(...picks.map((i) => prims[i]![1])),
    ),
  );
const norm = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint' ? `${x}n` : x instanceof Principal ? x.toText() : x,
    ),
  );

describe('codecFor', () => {
  it('encodes exactly what @dfinity/candid encodes, and decodes both ways', () => {
    fc.assert(
      fc.property(typedValues, ([types, values]) => {
        const codec = codecFor(types);
        for (let i = 0; i < 2; i++) {
          // Twice: the first encode learns the header, the second uses it.
          const ours = codec.encode(values);
          expect([...ours]).toEqual([...new Uint8Array(IDL.encode(types, values))]);
          expect(norm(codec.decode(ours))).toEqual(norm(IDL.decode(types, ours)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects values of the wrong type like @dfinity/candid does', () => {
    expect(() => codecFor([IDL.Nat]).encode([-1n])).toThrow(/Invalid nat argument/);
    expect(() => codecFor([IDL.Text]).encode([5])).toThrow(/Invalid text argument/);
    expect(() => codecFor([IDL.Bool]).encode(['yes'])).toThrow(/Invalid bool argument/);
  });

  it('refuses truncated, trailing and foreign bytes', () => {
    const codec = codecFor([IDL.Nat, IDL.Text]);
    const good = codec.encode([300n, 'hi']);
    expect(() => codec.decode(good.slice(0, -1))).toThrow();
    expect(() => codec.decode(new Uint8Array([...good, 0]))).toThrow();
    expect(() => codec.decode(new Uint8Array([1, 2, 3]))).toThrow();
    expect(() => codec.decode(new Uint8Array(IDL.encode([IDL.Text], ['x'])))).toThrow();
  });

  it('accepts messages whose type table is laid out differently', () => {
    // Extra trailing arguments are allowed by Candid; the fast path falls back to the library.
    const bytes = new Uint8Array(IDL.encode([IDL.Nat, IDL.Text], [5n, 'extra']));
    expect(codecFor([IDL.Nat]).decode(bytes)).toEqual([5n]);
  });
});
