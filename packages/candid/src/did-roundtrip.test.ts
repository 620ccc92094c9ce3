import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDid, serviceToDid } from './index.js';

/** Random JS values of IDL type `t`; `depth` bounds recursion through Recs and containers. */
function valueOf(t: IDL.Type, depth = 3): fc.Arbitrary<unknown> {
  if (t instanceof IDL.RecClass) return valueOf(t.getType() as IDL.Type, depth);
  if (t instanceof IDL.OptClass) {
    const inner = t._type as IDL.Type;
    return depth <= 0
      ? fc.constant([])
      : fc.oneof(
          fc.constant([]),
          valueOf(inner, depth - 1).map((v) => [v]),
        );
  }
  if (t instanceof IDL.VecClass) {
    const inner = t._type as IDL.Type;
    if (inner instanceof IDL.FixedNatClass && inner._bits === 8)
      return fc.uint8Array({ maxLength: 8 });
    return depth <= 0 ? fc.constant([]) : fc.array(valueOf(inner, depth - 1), { maxLength: 3 });
  }
  if (t instanceof IDL.TupleClass)
    return fc.tuple(...t._fields.map(([, ty]) => valueOf(ty, depth)));
  if (t instanceof IDL.RecordClass) {
    // fc.record builds null-prototype objects; @dfinity/candid calls x.hasOwnProperty on records.
    return fc
      .record(Object.fromEntries(t._fields.map(([k, ty]) => [k, valueOf(ty, depth)])))
      .map((o) => ({ ...o }));
  }
  if (t instanceof IDL.VariantClass) {
    const alts = t._fields.map(([k, ty]) => valueOf(ty, depth - 1).map((v) => ({ [k]: v })));
    return fc.oneof(...alts);
  }
  return primitiveValue(t);
}

function primitiveValue(t: IDL.Type): fc.Arbitrary<unknown> {
  if (t instanceof IDL.NatClass) return fc.bigInt({ min: 0n, max: 2n ** 80n });
  if (t instanceof IDL.IntClass) return fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n });
  if (t instanceof IDL.FixedNatClass) {
    return t._bits === 64
      ? fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
      : fc.integer({ min: 0, max: 2 ** t._bits - 1 });
  }
  if (t instanceof IDL.FixedIntClass) {
    const half = 2 ** (t._bits - 1);
    return t._bits === 64
      ? fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      : fc.integer({ min: -half, max: half - 1 });
  }
  if (t instanceof IDL.FloatClass) return t._bits === 32 ? fc.float() : fc.double();
  if (t instanceof IDL.TextClass) return fc.string({ unit: 'grapheme', maxLength: 6 });
  if (t instanceof IDL.BoolClass) return fc.boolean();
  if (t instanceof IDL.NullClass || t instanceof IDL.ReservedClass) return fc.constant(null);
  if (t instanceof IDL.PrincipalClass)
    return fc.uint8Array({ maxLength: 29 }).map((b) => Principal.fromUint8Array(b));
  throw new Error(`no values for ${t.name}`);
}

function ledgerLikeService(): IDL.ServiceClass {
  const Value = IDL.Rec();
  Value.fill(
    IDL.Variant({
      Nat: IDL.Nat,
      Int: IDL.Int,
      Text: IDL.Text,
      Blob: IDL.Vec(IDL.Nat8),
      Array: IDL.Vec(Value),
      Map: IDL.Vec(IDL.Tuple(IDL.Text, Value)),
    }),
  );
  const List = IDL.Rec();
  List.fill(IDL.Opt(IDL.Record({ head: IDL.Int32, tail: List })));
  const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
  const Transfer = IDL.Record({
    to: Account,
    amount: IDL.Nat,
    fee: IDL.Opt(IDL.Nat),
    memo: IDL.Opt(IDL.Vec(IDL.Nat8)),
    created_at_time: IDL.Opt(IDL.Nat64),
    'kebab-name': IDL.Float32,
    _42_: IDL.Int8,
  });
  const Error = IDL.Variant({
    TooOld: IDL.Null,
    BadFee: IDL.Record({ expected_fee: IDL.Nat }),
    GenericError: IDL.Record({ error_code: IDL.Nat, message: IDL.Text }),
  });
  return IDL.Service({
    transfer: IDL.Func([Transfer], [IDL.Variant({ Ok: IDL.Nat, Err: Error })], []),
    set_metadata: IDL.Func([IDL.Vec(IDL.Tuple(IDL.Text, Value))], [], ['oneway']),
    sum: IDL.Func([List, IDL.Float64, IDL.Bool], [IDL.Int], ['query']),
    misc: IDL.Func(
      [IDL.Tuple(IDL.Nat16, IDL.Int64, IDL.Text), IDL.Reserved, IDL.Null],
      [],
      ['composite_query'],
    ),
  });
}

describe('round trip through .did text', () => {
  const original = ledgerLikeService();
  const parsed = parseDid(serviceToDid(original, [IDL.Opt(IDL.Nat)]));
  const byName = new Map(parsed.service._fields);

  it('keeps init args and method annotations', () => {
    expect(parsed.initArgs?.map((t) => t.name)).toEqual(['opt nat']);
    for (const [name, func] of original._fields)
      expect(byName.get(name)?.annotations).toEqual(func.annotations);
  });

  for (const [name, func] of original._fields) {
    it(`encodes random ${name} arguments to the same bytes`, () => {
      const copy = byName.get(name) as IDL.FuncClass;
      fc.assert(
        fc.property(fc.tuple(...func.argTypes.map((t) => valueOf(t))), (args) => {
          const bytes = IDL.encode(func.argTypes, args);
          expect(IDL.encode(copy.argTypes, args)).toEqual(bytes);
          // Decoding with the parsed types and re-encoding with the original ones is lossless too.
          expect(IDL.encode(func.argTypes, IDL.decode(copy.argTypes, bytes))).toEqual(bytes);
        }),
        { numRuns: 60 },
      );
    });
  }
});
