import { describe, expect, it } from 'vitest';
import { blsPublicKey, blsSign, blsVerify, generateRootKey } from '@tincan/certification';
import { loadBls } from './fast-bls.js';

describe('stream-slice BLS on mcl', () => {
  it('signs byte for byte what @noble/curves signs, and each verifies the other', async () => {
    const bls = await loadBls();
    expect(bls.engine).toBe('mcl');
    for (let i = 0; i < 5; i++) {
      const key = generateRootKey(new Uint8Array(32).fill(i + 1));
      const message = new TextEncoder().encode(`slice ${i}`);
      const signature = bls.sign(message, key.secretKey);
      expect(signature).toEqual(blsSign(message, key.secretKey));
      expect(bls.verify(signature, message, key.publicKey)).toBe(true);
      expect(blsVerify(signature, message, blsPublicKey(key.secretKey))).toBe(true);
    }
  });

  it('refuses a changed message, another key, and a malformed signature or key', async () => {
    const bls = await loadBls();
    const key = generateRootKey(new Uint8Array(32).fill(7));
    const other = generateRootKey(new Uint8Array(32).fill(8));
    const message = new TextEncoder().encode('slice');
    const signature = bls.sign(message, key.secretKey);
    expect(bls.verify(signature, new TextEncoder().encode('slicE'), key.publicKey)).toBe(false);
    expect(bls.verify(signature, message, other.publicKey)).toBe(false);
    const flipped = signature.slice();
    flipped[20] = (flipped[20] as number) ^ 1;
    expect(bls.verify(flipped, message, key.publicKey)).toBe(false);
    expect(bls.verify(signature.slice(0, 40), message, key.publicKey)).toBe(false);
    expect(bls.verify(signature, message, key.publicKey.slice(1))).toBe(false);
  });
});
