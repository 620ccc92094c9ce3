import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { canisterIdFromIndex, toHex } from './principal-ids.js';

describe('canister ids', () => {
  it('start where a local dfx replica starts', () => {
    expect(Principal.fromUint8Array(canisterIdFromIndex(1)).toText()).toBe(
      'bkyz2-fmaaa-aaaaa-qaaaq-cai',
    );
    expect(Principal.fromUint8Array(canisterIdFromIndex(2)).toText()).toBe(
      'bd3sg-teaaa-aaaaa-qaaba-cai',
    );
  });
  it('hex-encodes bytes', () => {
    expect(toHex(new Uint8Array([0, 15, 255]))).toBe('000fff');
  });
});
