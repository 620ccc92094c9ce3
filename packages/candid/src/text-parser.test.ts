import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { parseCandidArgs } from './index.js';

const one = (text: string, t: IDL.Type): unknown => parseCandidArgs(text, [t])[0];

describe('parseCandidArgs: numbers', () => {
  it('reads nat and int as bigint, sized types up to 32 bits as number', () => {
    expect(parseCandidArgs('(5 : nat)', [IDL.Nat])).toEqual([5n]);
    expect(one('(5)', IDL.Nat8)).toBe(5);
    expect(one('(-128)', IDL.Int8)).toBe(-128);
    expect(one('(4_294_967_295)', IDL.Nat32)).toBe(4294967295);
    expect(one('(18_446_744_073_709_551_615)', IDL.Nat64)).toBe(18446744073709551615n);
    expect(one('(-9223372036854775808)', IDL.Int64)).toBe(-9223372036854775808n);
    expect(one('(+7)', IDL.Int)).toBe(7n);
    expect(one('(-42)', IDL.Int)).toBe(-42n);
  });

  it('reads hex, underscores and a bare value without parentheses', () => {
    expect(one('0xff', IDL.Nat8)).toBe(255);
    expect(one('0x_FF_FF', IDL.Nat)).toBe(65535n);
    expect(one('1_000_000', IDL.Nat)).toBe(1000000n);
    expect(one('-0x10', IDL.Int)).toBe(-16n);
  });

  it('reads floats in every spelling', () => {
    expect(one('1.5', IDL.Float64)).toBe(1.5);
    expect(one('1e3', IDL.Float64)).toBe(1000);
    expect(one('-2.5E-2', IDL.Float64)).toBe(-0.025);
    expect(one('1.', IDL.Float64)).toBe(1);
    expect(one('7', IDL.Float32)).toBe(7);
    expect(one('0x1.8p1', IDL.Float64)).toBe(3);
    expect(one('(0.5 : float32)', IDL.Float32)).toBe(0.5);
    expect(one('inf', IDL.Float64)).toBe(Infinity);
    expect(one('-inf', IDL.Float64)).toBe(-Infinity);
    expect(one('nan', IDL.Float64)).toBeNaN();
    expect(Object.is(one('-0', IDL.Float64), -0)).toBe(true);
  });

  it('coerces an annotated nat to int, and a plain value to opt', () => {
    expect(one('(5 : nat)', IDL.Int)).toBe(5n);
    expect(one('(5 : nat)', IDL.Opt(IDL.Nat))).toEqual([5n]);
    expect(one('(opt 5 : nat)', IDL.Opt(IDL.Nat))).toEqual([5n]);
    expect(one('("x" : text)', IDL.Reserved)).toBeNull();
  });
});

describe('parseCandidArgs: text, bool, null', () => {
  it('decodes escapes', () => {
    expect(one(String.raw`"a\n\t\\\"\'b"`, IDL.Text)).toBe('a\n\t\\"\'b');
    expect(one(String.raw`"\u{1F600}"`, IDL.Text)).toBe('😀');
    expect(one(String.raw`"\e2\82\ac"`, IDL.Text)).toBe('€');
    expect(one('"héllo"', IDL.Text)).toBe('héllo');
  });

  it('reads booleans, null and comments', () => {
    expect(parseCandidArgs('(true, false, null)', [IDL.Bool, IDL.Bool, IDL.Null])).toEqual([
      true,
      false,
      null,
    ]);
    expect(
      parseCandidArgs('( /* a /* nested */ comment */ 1, // rest\n 2, )', [IDL.Nat, IDL.Nat]),
    ).toEqual([1n, 2n]);
    expect(parseCandidArgs('()', [])).toEqual([]);
    expect(parseCandidArgs('  ', [])).toEqual([]);
  });
});

describe('parseCandidArgs: constructed values', () => {
  it('reads opt, vec and blob', () => {
    expect(one('(opt "x")', IDL.Opt(IDL.Text))).toEqual(['x']);
    expect(one('(null)', IDL.Opt(IDL.Text))).toEqual([]);
    expect(one('(opt null)', IDL.Opt(IDL.Opt(IDL.Nat)))).toEqual([[]]);
    expect(one('("x")', IDL.Opt(IDL.Text))).toEqual(['x']);
    expect(one('(vec { 1; 2; 3; })', IDL.Vec(IDL.Nat))).toEqual([1n, 2n, 3n]);
    expect(one('(vec {})', IDL.Vec(IDL.Text))).toEqual([]);
    expect(one(String.raw`(blob "\00\ffA")`, IDL.Vec(IDL.Nat8))).toEqual(
      new Uint8Array([0, 255, 65]),
    );
    expect(one('(vec { 1; 2 })', IDL.Vec(IDL.Nat8))).toEqual(new Uint8Array([1, 2]));
    expect(one(String.raw`(blob "\01\02")`, IDL.Vec(IDL.Nat16))).toEqual([1, 2]);
  });

  it('reads records by name, quoted name, numeric id and position', () => {
    const t = IDL.Record({ a: IDL.Nat, 'my field': IDL.Text, _5_: IDL.Bool, o: IDL.Opt(IDL.Nat) });
    expect(one('(record { a = 1; "my field" = "x"; 5 = true })', t)).toEqual({
      a: 1n,
      'my field': 'x',
      _5_: true,
      o: [],
    });
    expect(one('(record { o = opt 2; 5 = false; a = 0x1 : nat; "my field" = "" })', t)).toEqual({
      a: 1n,
      'my field': '',
      _5_: false,
      o: [2n],
    });
    expect(one('(record { 1 : nat; "x" })', IDL.Tuple(IDL.Nat, IDL.Text))).toEqual([1n, 'x']);
    expect(one('(record { 1; "x" })', IDL.Record({ _0_: IDL.Nat, _1_: IDL.Text }))).toEqual({
      _0_: 1n,
      _1_: 'x',
    });
    expect(one('(record {})', IDL.Record({}))).toEqual({});
  });

  it('reads variants, with and without a payload', () => {
    const t = IDL.Variant({ ok: IDL.Nat, err: IDL.Text, none: IDL.Null });
    expect(one('(variant { ok = 5 })', t)).toEqual({ ok: 5n });
    expect(one('(variant { err = "bad" })', t)).toEqual({ err: 'bad' });
    expect(one('(variant { none })', t)).toEqual({ none: null });
    expect(one('(variant { "none"; })', t)).toEqual({ none: null });
  });

  it('reads principals, funcs and services', () => {
    const p = Principal.fromText('aaaaa-aa');
    expect(one('(principal "aaaaa-aa")', IDL.Principal)).toEqual(p);
    expect(one('(service "aaaaa-aa")', IDL.Service({}))).toEqual(p);
    const f = one('(func "aaaaa-aa".method)', IDL.Func([], []));
    expect(f).toEqual([p, 'method']);
    expect(one('(func "aaaaa-aa"."odd name")', IDL.Func([], []))).toEqual([p, 'odd name']);
  });

  it('reads annotated compound values and recursive types', () => {
    const t = IDL.Record({ a: IDL.Nat, b: IDL.Opt(IDL.Text) });
    expect(one('(record { a = 1; c = true } : record { a : nat; c : bool })', t)).toEqual({
      a: 1n,
      b: [],
    });
    expect(one('(record { 1; "x" } : record { nat; text })', IDL.Tuple(IDL.Int, IDL.Text))).toEqual(
      [1n, 'x'],
    );
    expect(one('(vec { 1; 2 } : vec nat8)', IDL.Vec(IDL.Nat8))).toEqual(new Uint8Array([1, 2]));
    const optVariant = IDL.Opt(IDL.Variant({ a: IDL.Int }));
    expect(one('(variant { a = 1 : nat } : variant { a : nat })', optVariant)).toEqual([{ a: 1n }]);
    // An annotation with an extra tag is no subtype of the variant, so at an opt type it becomes null.
    expect(one('(variant { a = 1 } : variant { a : nat; "b c" })', optVariant)).toEqual([]);
    expect(one('(opt 5 : opt nat)', IDL.Opt(IDL.Text))).toEqual([]);
    expect(
      one('(func "aaaaa-aa".f : func (x : nat) -> () query)', IDL.Func([IDL.Nat], [], ['query'])),
    ).toEqual([Principal.fromText('aaaaa-aa'), 'f']);
    const list = IDL.Rec();
    list.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: list })));
    expect(
      one('(opt record { head = 1; tail = opt record { head = 2; tail = null } })', list),
    ).toEqual([{ head: 1n, tail: [{ head: 2n, tail: [] }] }]);
  });

  it('fills in trailing optional arguments and re-encodes what IDL.encode expects', () => {
    const types = [IDL.Nat, IDL.Opt(IDL.Text), IDL.Null];
    const vals = parseCandidArgs('(1)', types);
    expect(vals).toEqual([1n, [], null]);
    expect(IDL.encode(types, vals)).toEqual(IDL.encode(types, [1n, [], null]));
  });
});
