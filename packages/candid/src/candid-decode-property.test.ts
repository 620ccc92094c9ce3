import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codecFor } from './candid-codec.js';
import { decodeCandid } from './candid-decode.js';
import { CandidError } from './candid-error.js';

const principal = fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b));
const Shape = IDL.Record({ id: IDL.Nat32, name: IDL.Text, on: IDL.Bool });
const Kind = IDL.Variant({ a: IDL.Null, b: IDL.Int, c: IDL.Vec(IDL.Nat8) });
const List = IDL.Rec();
List.fill(IDL.Opt(IDL.Record({ head: IDL.Int8, tail: List })));
const list = fc
  .array(fc.integer({ min: -128, max: 127 }), { maxLength: 6 })
  .map((xs) => xs.reduceRight<unknown>((tail, head) => [{ head, tail }], []));
// Types with a generator of their values: primitives, and the composites the checks walk.
const typed: Array<[IDL.Type, fc.Arbitrary<unknown>]> = [
  [IDL.Nat, fc.bigInt({ min: 0n, max: 2n ** 80n })],
  [IDL.Int, fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n })],
  [IDL.Nat16, fc.integer({ min: 0, max: 65_535 })],
  [IDL.Int64, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  [IDL.Bool, fc.boolean()],
  [IDL.Null, fc.constant(null)],
  [IDL.Text, fc.string({ unit: 'grapheme', maxLength: 8 })],
  [IDL.Principal, principal],
  [IDL.Float64, fc.double({ noNaN: true })],
  [IDL.Vec(IDL.Nat8), fc.uint8Array({ maxLength: 8 })],
  [IDL.Opt(IDL.Text), fc.option(fc.string({ maxLength: 4 })).map((v) => (v === null ? [] : [v]))],
  [
    IDL.Vec(Shape),
    fc.array(
      fc.record(
        { id: fc.nat({ max: 2 ** 32 - 1 }), name: fc.string({ maxLength: 4 }), on: fc.boolean() },
        { noNullPrototype: true },
      ),
      { maxLength: 3 },
    ),
  ],
  [
    Kind,
    fc.oneof(
      fc.constant({ a: null }),
      fc.bigInt({ min: -1000n, max: 1000n }).map((b) => ({ b })),
      fc.uint8Array({ maxLength: 4 }).map((c) => ({ c })),
    ),
  ],
  [List, list],
  [
    IDL.Tuple(IDL.Nat8, IDL.Text),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.string({ maxLength: 4 })),
  ],
];
const typedValues = fc
  .array(fc.integer({ min: 0, max: typed.length - 1 }), { minLength: 1, maxLength: 3 })
  .chain((picks) =>
    fc.tuple(
      fc.constant(picks.map((i) => typed[i]![0])),
      fc.tuple(...picks.map((i) => typed[i]![1])),
    ),
  );

type Mutation =
  | { kind: 'set' | 'insert'; at: number; byte: number }
  | { kind: 'delete' | 'truncate'; at: number };
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x01, 0x7f, 0x80, 0xff)),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const out = [...bytes];
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % (out.length + (m.kind === 'insert' ? 1 : 0));
    if (m.kind === 'set' && out.length > 0) out[at] = m.byte;
    else if (m.kind === 'insert') out.splice(at, 0, m.byte);
    else if (m.kind === 'delete') out.splice(at, 1);
    else if (m.kind === 'truncate') out.length = at;
  }
  return new Uint8Array(out);
}

const norm = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) =>
      typeof x === 'bigint'
        ? `${x}n`
        : x instanceof Principal
          ? x.toText()
          : x instanceof Uint8Array
            ? [...x]
            : Object.is(x, -0)
              ? '-0'
              : x,
    ),
  );

describe('decoding mutated arguments', () => {
  it('either decodes to what @dfinity/candid decodes or fails with a CandidError', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(
        typedValues,
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        ([types, values], mutations) => {
          const bytes = mutate(new Uint8Array(IDL.encode(types, values)), mutations);
          for (const decode of [
            (b: Uint8Array) => codecFor(types).decode(b),
            (b: Uint8Array) => decodeCandid(types, b),
          ]) {
            let ours: unknown[] | undefined;
            try {
              ours = decode(bytes);
            } catch (err) {
              // Only a CandidError: no TypeError, RangeError or stack overflow from a decoder.
              expect(err).toBeInstanceOf(CandidError);
              expect((err as CandidError).code).toBe('ERR_CANDID_DECODE');
              rejected++;
              continue;
            }
            // Accepted input passed the checks, so running @dfinity/candid on it directly is safe.
            expect(norm(ours)).toEqual(norm(IDL.decode(types, bytes)));
            accepted++;
          }
        },
      ),
      { numRuns: 2_000 },
    );
    // Both outcomes happen, or the property says nothing.
    expect(accepted).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  }, 120_000);

  it('never rejects an unmutated argument', () => {
    fc.assert(
      fc.property(typedValues, ([types, values]) => {
        const bytes = new Uint8Array(IDL.encode(types, values));
        expect(norm(codecFor(types).decode(bytes))).toEqual(norm(IDL.decode(types, bytes)));
      }),
      { numRuns: 500 },
    );
  }, 60_000);
});
