import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { requestIdOf } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { CertificationError, requestId } from './index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const blob = fc.uint8Array({ maxLength: 40 });
const principalBytes = fc.uint8Array({ minLength: 0, maxLength: 29 });
const nat = fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
const expiry = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

const callContent = fc.record(
  {
    request_type: fc.constantFrom('call', 'query'),
    canister_id: principalBytes,
    method_name: fc.string({ unit: 'grapheme', maxLength: 20 }),
    arg: blob,
    sender: principalBytes,
    ingress_expiry: expiry,
    nonce: blob,
  },
  {
    requiredKeys: ['request_type', 'canister_id', 'method_name', 'arg', 'sender', 'ingress_expiry'],
  },
);

const readStateContent = fc.record({
  request_type: fc.constant('read_state'),
  paths: fc.array(fc.array(blob, { maxLength: 4 }), { maxLength: 4 }),
  sender: principalBytes,
  ingress_expiry: expiry,
});

// Arbitrary nested values, as the representation-independent hash allows them.
const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    blob,
    fc.string(),
    nat,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 3 }),
  ),
}));

describe('requestId', () => {
  it('matches @dfinity/agent on call and query contents', () => {
    fc.assert(
      fc.property(callContent, (content) => {
        expect(hex(requestId(content))).toBe(hex(requestIdOf(content)));
      }),
    );
  });

  it('matches @dfinity/agent on read_state contents', () => {
    fc.assert(
      fc.property(readStateContent, (content) => {
        expect(hex(requestId(content))).toBe(hex(requestIdOf(content)));
      }),
    );
  });

  it('matches @dfinity/agent on arbitrary nested maps', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), anyValue, { maxKeys: 5 }),
        (content) => {
          expect(hex(requestId(content))).toBe(hex(requestIdOf(content)));
        },
      ),
    );
  });

  it('reproduces the interface specification example', () => {
    const content = {
      request_type: 'call',
      sender: Uint8Array.of(0x04),
      ingress_expiry: 1685570400000000000n,
      canister_id: Uint8Array.of(0, 0, 0, 0, 0, 0, 0x04, 0xd2),
      method_name: 'hello',
      arg: Uint8Array.from(Buffer.from('DIDL\x00\xfd*', 'latin1')),
    };
    expect(hex(requestId(content))).toBe(
      '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101',
    );
  });

  it('hashes principals as their bytes and omits undefined fields', () => {
    const canister = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const withPrincipal = requestId({ canister_id: canister, nonce: undefined });
    expect(withPrincipal).toEqual(requestId({ canister_id: canister.toUint8Array() }));
    expect(withPrincipal).toEqual(requestIdOf({ canister_id: canister }));
  });

  it('treats numbers and bigints alike', () => {
    expect(requestId({ n: 300 })).toEqual(requestId({ n: 300n }));
  });

  it.each([null, true, -1, 1.5, -1n, Symbol('x')])('rejects %s', (bad) => {
    expect(() => requestId({ bad })).toThrow(CertificationError);
    try {
      requestId({ bad });
    } catch (err) {
      expect((err as CertificationError).code).toBe('ERR_UNHASHABLE_VALUE');
    }
  });
});
