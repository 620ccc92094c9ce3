import { readFileSync } from 'node:fs';
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { serviceToDid } from './index.js';

/** A service touching every construct the printer knows. */
function representativeService(): IDL.ServiceClass {
  const List = IDL.Rec();
  List.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: List })));
  const Account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
  const Profile = IDL.Record({
    name: IDL.Text,
    'display-name': IDL.Opt(IDL.Text),
    _7_: IDL.Nat16,
    avatar: IDL.Vec(IDL.Nat8),
  });
  const Result = IDL.Variant({ ok: IDL.Null, err: IDL.Text });
  return IDL.Service({
    whoami: IDL.Func([], [IDL.Principal], ['query']),
    balance: IDL.Func([Account], [IDL.Nat], ['query']),
    set_profile: IDL.Func([Profile], [Result], []),
    lookup: IDL.Func(
      [IDL.Vec(IDL.Text)],
      [IDL.Vec(IDL.Tuple(IDL.Text, IDL.Opt(Profile)))],
      ['composite_query'],
    ),
    notify: IDL.Func([IDL.Nat64], [], ['oneway']),
    sum: IDL.Func([List], [IDL.Int], ['query']),
    stats: IDL.Func(
      [],
      [
        IDL.Record({
          count: IDL.Nat32,
          ratio: IDL.Float64,
          tiny: IDL.Float32,
          delta: IDL.Int8,
          flags: IDL.Vec(IDL.Bool),
        }),
      ],
      ['query'],
    ),
    subscribe: IDL.Func(
      [IDL.Func([IDL.Nat], [], ['oneway'])],
      [IDL.Service({ ping: IDL.Func([], [], []) })],
      [],
    ),
    'odd-name': IDL.Func(
      [IDL.Reserved, IDL.Null, IDL.Empty, IDL.Int16, IDL.Nat32, IDL.Int64],
      [],
      [],
    ),
  });
}

const EXPECTED = `type rec_0 = opt record { head : int; tail : rec_0 };

service : (record { owner : principal; subaccount : opt blob }) -> {
  balance : (record { owner : principal; subaccount : opt blob }) -> (nat) query;
  lookup : (vec text) -> (vec record {
    text;
    opt record {
      7 : nat16;
      name : text;
      "display-name" : opt text;
      avatar : blob;
    };
  }) composite_query;
  notify : (nat64) -> () oneway;
  "odd-name" : (reserved, null, empty, int16, nat32, int64) -> ();
  set_profile : (record {
    7 : nat16;
    name : text;
    "display-name" : opt text;
    avatar : blob;
  }) -> (variant { ok; err : text });
  stats : () -> (record {
    flags : vec bool;
    count : nat32;
    tiny : float32;
    delta : int8;
    ratio : float64;
  }) query;
  subscribe : (func (nat) -> () oneway) -> (service { ping : () -> () });
  sum : (rec_0) -> (int) query;
  whoami : () -> (principal) query;
}
`;

describe('serviceToDid', () => {
  it('prints a representative service', () => {
    const account = IDL.Record({ owner: IDL.Principal, subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)) });
    expect(serviceToDid(representativeService(), [account])).toBe(EXPECTED);
  });

  it('prints an empty service without init args', () => {
    expect(serviceToDid(IDL.Service({}))).toBe('service : {}\n');
    expect(serviceToDid(IDL.Service({}), [])).toBe('service : () -> {}\n');
  });

  it('names mutually recursive types and inlines Recs that are not recursive', () => {
    const Tree = IDL.Rec();
    const Forest = IDL.Rec();
    Tree.fill(IDL.Record({ value: IDL.Nat, children: Forest }));
    Forest.fill(IDL.Vec(Tree));
    const Plain = IDL.Rec();
    Plain.fill(IDL.Vec(IDL.Text));
    const service = IDL.Service({ walk: IDL.Func([Tree, Plain], [Forest], []) });
    expect(serviceToDid(service)).toBe(
      [
        'type rec_0 = record { value : nat; children : rec_1 };',
        'type rec_1 = vec rec_0;',
        '',
        'service : {',
        '  walk : (rec_0, vec text) -> (rec_1);',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('quotes keywords and odd names, and prints numeric ids as numbers', () => {
    const weird = IDL.Record({ type: IDL.Nat, 'say "hi"\n': IDL.Text });
    const numeric = IDL.Record({ _0x10_: IDL.Bool, _4294967296_: IDL.Nat });
    const tag = IDL.Variant({ _3_: IDL.Null, text: IDL.Null });
    const service = IDL.Service({ m: IDL.Func([weird, numeric, tag], [], []) });
    expect(serviceToDid(service)).toContain(
      'm : (record { "type" : nat; "say \\"hi\\"\\n" : text }, ' +
        // _4294967296_ is past 32 bits, so @dfinity/candid hashes it as a name: keep it a name.
        'record { 16 : bool; _4294967296_ : nat }, variant { 3; "text" }) -> ();',
    );
  });

  it('keeps tuples short and prints empty records', () => {
    const service = IDL.Service({
      pair: IDL.Func([IDL.Tuple(IDL.Nat, IDL.Text, IDL.Bool, IDL.Principal)], [IDL.Record({})], []),
    });
    expect(serviceToDid(service)).toContain(
      'pair : (record { nat; text; bool; principal }) -> (record {});',
    );
  });

  it('rejects fields whose ids collide', () => {
    const service = IDL.Service({
      m: IDL.Func([IDL.Record({ c: IDL.Nat, _99_: IDL.Text })], [], []),
    });
    expect(() => serviceToDid(service)).toThrow(/share the id 99/);
  });

  it('rejects an unfilled Rec', () => {
    const service = IDL.Service({ m: IDL.Func([IDL.Rec()], [], []) });
    expect(() => serviceToDid(service)).toThrow(/never filled/);
  });

  it('works without TextEncoder, TextDecoder or Buffer, as in the sandbox realm', () => {
    const service = representativeService(); // @dfinity/candid itself hashes labels with TextEncoder
    const g = globalThis as Record<string, unknown>;
    const saved = { TextEncoder: g.TextEncoder, TextDecoder: g.TextDecoder, Buffer: g.Buffer };
    try {
      for (const key of Object.keys(saved)) delete g[key];
      expect(serviceToDid(service)).toContain('sum : (rec_0) -> (int) query;');
    } finally {
      Object.assign(g, saved);
    }
  });

  it('imports nothing but @dfinity/candid and the pure label helpers', () => {
    const sources = ['did-printer.ts', 'labels.ts'].map((f) =>
      readFileSync(new URL(f, import.meta.url), 'utf8'),
    );
    const imports = sources.flatMap((src) => [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]));
    expect(new Set(imports)).toEqual(new Set(['@dfinity/candid', './labels.js']));
  });
});
