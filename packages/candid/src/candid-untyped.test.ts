import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { decodeCandidBytes, encodeCandidText } from './candid-untyped.js';

describe('Candid text without an interface', () => {
  it('infers int for a bare integer, as Rust IDLArgs does, and keeps annotations', () => {
    const bytes = encodeCandidText('(5, 7 : nat8, "hi", true)');
    expect(IDL.decode([IDL.Int, IDL.Nat8, IDL.Text, IDL.Bool], bytes)).toEqual([5n, 7, 'hi', true]);
  });

  it('encodes records, variants, vectors, blobs and principals', () => {
    const text =
      '(record { a = 1 : nat; b = vec { "x"; "y" } }, variant { ok = blob "\\01\\02" }, principal "aaaaa-aa", opt (3.5 : float64))';
    const bytes = encodeCandidText(text);
    const types = [
      IDL.Record({ a: IDL.Nat, b: IDL.Vec(IDL.Text) }),
      IDL.Variant({ ok: IDL.Vec(IDL.Nat8) }),
      IDL.Principal,
      IDL.Opt(IDL.Float64),
    ];
    const [rec, variant, principal, opt] = IDL.decode(types, bytes);
    expect(rec).toEqual({ a: 1n, b: ['x', 'y'] });
    expect(variant).toEqual({ ok: new Uint8Array([1, 2]) });
    expect((principal as unknown as Principal).toText()).toBe('aaaaa-aa');
    expect(opt).toEqual([3.5]);
  });

  it('decodes with the message type table and prints textual Candid', () => {
    const bytes = IDL.encode(
      [IDL.Nat, IDL.Text, IDL.Vec(IDL.Opt(IDL.Int8))],
      [42n, 'hello', [[1], []]],
    );
    expect(decodeCandidBytes(new Uint8Array(bytes))).toBe(
      '(42 : nat, "hello", vec { opt (1 : int8); null })',
    );
  });

  it('round-trips encode then decode', () => {
    expect(decodeCandidBytes(encodeCandidText('("a", 1 : nat64)'))).toBe('("a", 1 : nat64)');
    expect(decodeCandidBytes(encodeCandidText('()'))).toBe('()');
  });

  it('refuses bytes that are not a Candid message', () => {
    expect(() => decodeCandidBytes(new Uint8Array([1, 2, 3, 4]))).toThrow(/DIDL/);
  });
});
