import { IDL, idlLabelToId } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { candidValuesToJson, parseCandidArgs, printCandidValues } from './index.js';

/** A random type together with a generator of its values. */
interface Typed {
  type: IDL.Type;
  value: fc.Arbitrary<unknown>;
}

const bigRange = (min: bigint, max: bigint): fc.Arbitrary<unknown> =>
  fc.oneof(fc.bigInt({ min, max }), fc.constantFrom(min, max, 0n));
const intRange = (min: number, max: number): fc.Arbitrary<unknown> =>
  fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max, 0));

const principal = fc.oneof(
  fc.constant(Principal.fromText('aaaaa-aa')),
  fc.uint8Array({ maxLength: 29 }).map((bytes) => Principal.fromUint8Array(bytes)),
);

const PRIMS: Typed[] = [
  { type: IDL.Nat, value: bigRange(0n, 2n ** 100n) },
  { type: IDL.Int, value: bigRange(-(2n ** 100n), 2n ** 100n) },
  { type: IDL.Nat8, value: intRange(0, 255) },
  { type: IDL.Nat16, value: intRange(0, 65535) },
  { type: IDL.Nat32, value: intRange(0, 2 ** 32 - 1) },
  { type: IDL.Nat64, value: bigRange(0n, 2n ** 64n - 1n) },
  { type: IDL.Int8, value: intRange(-128, 127) },
  { type: IDL.Int16, value: intRange(-32768, 32767) },
  { type: IDL.Int32, value: intRange(-(2 ** 31), 2 ** 31 - 1) },
  { type: IDL.Int64, value: bigRange(-(2n ** 63n), 2n ** 63n - 1n) },
  { type: IDL.Float32, value: fc.oneof(fc.float(), fc.double()) },
  { type: IDL.Float64, value: fc.double() },
  { type: IDL.Bool, value: fc.boolean() },
  { type: IDL.Null, value: fc.constant(null) },
  { type: IDL.Reserved, value: fc.constantFrom(null, 5, 'ignored') },
  {
    type: IDL.Text,
    value: fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('"\\\n\t\'', '😀é\u0000'),
    ),
  },
  { type: IDL.Principal, value: principal },
  {
    type: IDL.Vec(IDL.Nat8),
    value: fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 4 }),
    ),
  },
  {
    type: IDL.Func([IDL.Nat], [], ['query']),
    value: fc.tuple(principal, fc.constantFrom('get', 'my method', 'type', '')),
  },
  { type: IDL.Service({}), value: principal },
];

/** Labels that exercise quoting, keywords, numeric ids and plain names. */
const label = fc.oneof(
  fc.constantFrom(
    'a',
    'ok',
    'Err',
    'type',
    'text',
    'true',
    'my-field',
    'with space',
    'q"uote',
    'é',
    '_0_',
    '_1_',
    '_7_',
    '_99_',
  ),
  fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/),
);
const fields = (arb: fc.Arbitrary<Typed>, minLength: number) =>
  fc.uniqueArray(fc.tuple(label, arb), {
    selector: ([l]) => idlLabelToId(l),
    minLength,
    maxLength: 4,
  });

function opt(inner: Typed): Typed {
  return {
    type: IDL.Opt(inner.type),
    value: fc.oneof(
      fc.constant([]),
      inner.value.map((v) => [v]),
    ),
  };
}

function vec(inner: Typed): Typed {
  return { type: IDL.Vec(inner.type), value: fc.array(inner.value, { maxLength: 3 }) };
}

function record(fs: Array<[string, Typed]>): Typed {
  const type = IDL.Record(Object.fromEntries(fs.map(([l, t]) => [l, t.type])));
  // fc.record builds null-prototype objects; @dfinity/candid calls `x.hasOwnProperty`, so copy.
  const value = fc
    .record(Object.fromEntries(fs.map(([l, t]) => [l, t.value])))
    .map((o) => ({ ...o }));
  return { type, value };
}

function variant(fs: Array<[string, Typed]>): Typed {
  const type = IDL.Variant(Object.fromEntries(fs.map(([l, t]) => [l, t.type])));
  return { type, value: fc.oneof(...fs.map(([l, t]) => t.value.map((v) => ({ [l]: v })))) };
}

function tuple(items: Typed[]): Typed {
  return {
    type: IDL.Tuple(...items.map((t) => t.type)),
    value: fc.tuple(...items.map((t) => t.value)),
  };
}

/** `type list = opt record { head : T; tail : list }`, with values built from short arrays. */
function list(inner: Typed): Typed {
  const rec = IDL.Rec();
  rec.fill(IDL.Opt(IDL.Record({ head: inner.type, tail: rec })));
  const value = fc
    .array(inner.value, { maxLength: 3 })
    .map((items) => items.reduceRight<unknown>((tail, head) => [{ head, tail }], []));
  return { type: rec, value };
}

const { typed } = fc.letrec<{ typed: Typed; ctor: Typed }>((tie) => ({
  typed: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'typed' },
    { arbitrary: fc.constantFrom(...PRIMS), weight: 3 },
    { arbitrary: tie('ctor'), weight: 2 },
  ),
  ctor: fc.oneof(
    { depthIdentifier: 'typed' },
    tie('typed').map(opt),
    tie('typed').map(vec),
    fields(tie('typed'), 0).map(record),
    fields(tie('typed'), 1).map(variant),
    fc.array(tie('typed'), { minLength: 1, maxLength: 3 }).map(tuple),
    tie('typed').map(list),
  ),
}));

/** Random argument types paired with random values of those types. */
const argsArb = fc
  .array(typed, { maxLength: 3 })
  .chain((ts) => fc.tuple(fc.constant(ts.map((t) => t.type)), fc.tuple(...ts.map((t) => t.value))));

describe('printCandidValues ∘ parseCandidArgs', () => {
  it('round-trips random values to the same Candid bytes', () => {
    fc.assert(
      fc.property(argsArb, ([types, values]) => {
        const bytes = IDL.encode(types, values);
        const text = printCandidValues(types, values);
        const parsed = parseCandidArgs(text, types);
        expect(IDL.encode(types, parsed)).toEqual(bytes);
        // Printing is a fixed point, also for the shapes IDL.decode returns (typed arrays, …).
        expect(printCandidValues(types, parsed)).toBe(text);
        expect(printCandidValues(types, IDL.decode(types, bytes))).toBe(text);
        expect(() => JSON.stringify(candidValuesToJson(types, values))).not.toThrow();
      }),
      { numRuns: Number(process.env.CANDID_FC_RUNS ?? 300) },
    );
  }, 60_000);

  it('round-trips random values written without type annotations on numbers', () => {
    fc.assert(
      fc.property(argsArb, ([types, values]) => {
        // Strip every `: type` annotation the printer adds; parsing is type-directed anyway.
        const text = printCandidValues(types, values).replace(/ : (?:nat|int|float)\d*\b/g, '');
        expect(IDL.encode(types, parseCandidArgs(text, types))).toEqual(IDL.encode(types, values));
      }),
      { numRuns: Number(process.env.CANDID_FC_RUNS ?? 200) },
    );
  }, 60_000);
});
