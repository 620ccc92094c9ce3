import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { candidValuesToJson, parseCandidArgs, printCandidValues } from './index.js';

const p = Principal.fromText('aaaaa-aa');
const show = (t: IDL.Type, v: unknown): string => printCandidValues([t], [v]);

describe('printCandidValues', () => {
  it('annotates numbers like dfx, grouping digits', () => {
    expect(show(IDL.Nat, 5n)).toBe('(5 : nat)');
    expect(show(IDL.Nat8, 5)).toBe('(5 : nat8)');
    expect(show(IDL.Int, -1234567n)).toBe('(-1_234_567 : int)');
    expect(show(IDL.Nat64, 100_000_000n)).toBe('(100_000_000 : nat64)');
    expect(show(IDL.Int32, -5)).toBe('(-5 : int32)');
    expect(show(IDL.Float64, 1.5)).toBe('(1.5 : float64)');
    expect(show(IDL.Float32, 0.1)).toBe('(0.1 : float32)');
    expect(show(IDL.Float64, -0)).toBe('(-0 : float64)');
    expect(printCandidValues([IDL.Float64, IDL.Float64, IDL.Float64], [NaN, Infinity, 1e300])).toBe(
      '(nan : float64, inf : float64, 1e+300 : float64)',
    );
  });

  it('prints text, bool, null, principal, func and service', () => {
    expect(show(IDL.Text, 'hi')).toBe('("hi")');
    expect(show(IDL.Text, 'a"b\\c\nd\u0001')).toBe('("a\\"b\\\\c\\nd\\u{1}")');
    expect(printCandidValues([IDL.Nat, IDL.Text], [1n, 'x'])).toBe('(1 : nat, "x")');
    expect(printCandidValues([IDL.Bool, IDL.Null, IDL.Reserved], [true, null, 42])).toBe(
      '(true, null, null)',
    );
    expect(show(IDL.Principal, p)).toBe('(principal "aaaaa-aa")');
    expect(show(IDL.Func([], []), [p, 'get'])).toBe('(func "aaaaa-aa".get)');
    expect(show(IDL.Func([], []), [p, 'my method'])).toBe('(func "aaaaa-aa"."my method")');
    expect(show(IDL.Service({}), p)).toBe('(service "aaaaa-aa")');
    expect(printCandidValues([], [])).toBe('()');
  });

  it('prints opt, vec and blob', () => {
    expect(show(IDL.Opt(IDL.Text), ['x'])).toBe('(opt "x")');
    expect(show(IDL.Opt(IDL.Text), [])).toBe('(null)');
    expect(show(IDL.Opt(IDL.Nat), [5n])).toBe('(opt (5 : nat))');
    expect(show(IDL.Opt(IDL.Opt(IDL.Nat)), [[]])).toBe('(opt null)');
    expect(show(IDL.Vec(IDL.Nat), [1n, 2n])).toBe('(vec { 1 : nat; 2 : nat })');
    expect(show(IDL.Vec(IDL.Nat), [])).toBe('(vec {})');
    expect(show(IDL.Vec(IDL.Nat8), new Uint8Array([0, 255, 65, 34]))).toBe('(blob "\\00\\ffA\\"")');
    expect(show(IDL.Vec(IDL.Nat8), [1, 2])).toBe('(blob "\\01\\02")');
    expect(show(IDL.Vec(IDL.Nat16), new Uint16Array([1, 2]))).toBe(
      '(vec { 1 : nat16; 2 : nat16 })',
    );
  });

  it('prints records, tuples and variants', () => {
    expect(show(IDL.Record({ a: IDL.Nat, b: IDL.Text }), { a: 1n, b: 'x' })).toBe(
      '(record { a = 1 : nat; b = "x" })',
    );
    expect(
      show(IDL.Record({ 'my field': IDL.Nat, _5_: IDL.Bool, type: IDL.Null }), {
        'my field': 1n,
        _5_: true,
        type: null,
      }),
    ).toBe('(record { 5 = true; "type" = null; "my field" = 1 : nat })');
    expect(show(IDL.Tuple(IDL.Nat, IDL.Text), [1n, 'x'])).toBe('(record { 1 : nat; "x" })');
    expect(show(IDL.Record({ _0_: IDL.Nat, _1_: IDL.Text }), { _0_: 1n, _1_: 'x' })).toBe(
      '(record { 1 : nat; "x" })',
    );
    const result = IDL.Variant({ Ok: IDL.Nat, Err: IDL.Text, None: IDL.Null });
    expect(show(result, { Ok: 5n })).toBe('(variant { Ok = 5 : nat })');
    expect(show(result, { None: null })).toBe('(variant { None })');
  });

  it('breaks long values over several lines, dfx style', () => {
    const t = IDL.Record({ name: IDL.Text, tags: IDL.Vec(IDL.Text) });
    const value = {
      name: 'a fairly long name that fills the line',
      tags: ['first tag', 'second tag', 'third tag'],
    };
    const text = printCandidValues([t, IDL.Nat], [value, 1n]);
    expect(text).toBe(
      [
        '(',
        '  record {',
        '    name = "a fairly long name that fills the line";',
        '    tags = vec { "first tag"; "second tag"; "third tag" };',
        '  },',
        '  1 : nat,',
        ')',
      ].join('\n'),
    );
    expect(parseCandidArgs(text, [t, IDL.Nat])).toEqual([value, 1n]);
  });

  it('prints what IDL.decode returns', () => {
    const types = [
      IDL.Record({
        n: IDL.Nat16,
        v: IDL.Vec(IDL.Int64),
        b: IDL.Vec(IDL.Nat8),
        o: IDL.Opt(IDL.Principal),
      }),
    ];
    const decoded = IDL.decode(
      types,
      IDL.encode(types, [{ n: 7, v: [-1n, 2n], b: new Uint8Array([9]), o: [p] }]),
    );
    expect(printCandidValues(types, decoded)).toBe(
      [
        '(',
        '  record {',
        '    b = blob "\\09";',
        '    n = 7 : nat16;',
        '    o = opt principal "aaaaa-aa";',
        '    v = vec { -1 : int64; 2 : int64 };',
        '  },',
        ')',
      ].join('\n'),
    );
  });
});

describe('candidValuesToJson', () => {
  it('makes every value JSON-friendly', () => {
    const types = [
      IDL.Nat,
      IDL.Nat8,
      IDL.Int64,
      IDL.Float64,
      IDL.Text,
      IDL.Principal,
      IDL.Vec(IDL.Nat8),
      IDL.Opt(IDL.Nat),
      IDL.Opt(IDL.Text),
      IDL.Variant({ Ok: IDL.Nat, Err: IDL.Null }),
      IDL.Tuple(IDL.Bool, IDL.Null),
      IDL.Record({ a: IDL.Vec(IDL.Nat32), _7_: IDL.Text }),
      IDL.Func([], []),
      IDL.Float64,
    ];
    const values = [
      5n,
      7,
      -3n,
      1.5,
      'x',
      p,
      new Uint8Array([0, 171, 255]),
      [],
      ['y'],
      { Err: null },
      [true, null],
      { a: new Uint32Array([1, 2]), _7_: 'z' },
      [p, 'm'],
      NaN,
    ];
    const json = candidValuesToJson(types, values);
    expect(json).toEqual([
      '5',
      7,
      '-3',
      1.5,
      'x',
      'aaaaa-aa',
      '00abff',
      null,
      'y',
      { Err: null },
      [true, null],
      { a: [1, 2], 7: 'z' },
      ['aaaaa-aa', 'm'],
      'NaN',
    ]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
