import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { encodeInitArg } from './deploy.js';

describe('encodeInitArg', () => {
  it('encodes the init arguments with the service init types', () => {
    const bytes = encodeInitArg(
      'agency',
      'service : (principal, nat) -> {}',
      '(principal "aaaaa-aa", 3)',
    );
    expect(IDL.decode([IDL.Principal, IDL.Nat], bytes)).toEqual([
      Principal.fromText('aaaaa-aa'),
      3n,
    ]);
    expect(IDL.decode([], encodeInitArg('counter', 'service : {}', undefined))).toEqual([]);
    expect(
      IDL.decode([IDL.Opt(IDL.Nat)], encodeInitArg('x', 'service : (opt nat) -> {}', undefined)),
    ).toEqual([[]]);
  });

  it('says what the init takes when the argument is missing or wrong', () => {
    expect(() => encodeInitArg('hotel', 'service : (nat) -> {}', undefined)).toThrow(
      /init arguments of hotel: .*Its init takes \(nat\): pass --argument '\(…\)' or set "init_arg" in dfx.json/,
    );
    expect(() => encodeInitArg('hotel', 'service : (nat) -> {}', '("one")')).toThrow(
      /init arguments of hotel/,
    );
  });
});
