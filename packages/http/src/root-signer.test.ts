import { describe, expect, it } from 'vitest';
import { blsSign, blsVerify, generateRootKey, stateRootHashMessage } from '@tincan/certification';
import { RootSigner } from './root-signer.js';

const key = generateRootKey(new Uint8Array(32).fill(7));
const rootHash = (i: number): Uint8Array => new Uint8Array(32).fill(i);

describe('RootSigner', () => {
  it('signs state roots in the worker with signatures that verify against the public key', async () => {
    const signer = new RootSigner(key.secretKey);
    try {
      const signature = await signer.sign(rootHash(1));
      expect(blsVerify(signature, stateRootHashMessage(rootHash(1)), key.publicKey)).toBe(true);
      expect(blsVerify(signature, stateRootHashMessage(rootHash(2)), key.publicKey)).toBe(false);
      // BLS signatures are deterministic: the worker's equals the main thread's.
      expect(signature).toEqual(blsSign(stateRootHashMessage(rootHash(1)), key.secretKey));
    } finally {
      await signer.close();
    }
  });

  it('signs with mcl, byte for byte what @noble/curves signs, for many roots', async () => {
    const signer = new RootSigner(key.secretKey);
    try {
      expect(await signer.engine).toBe('mcl');
      // Seeded roots: hash-to-curve takes different branches (square roots, signs) per input.
      let seed = 12345;
      const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const roots = Array.from({ length: 40 }, () =>
        Uint8Array.from({ length: 32 }, () => next() & 0xff),
      );
      const signatures = await Promise.all(roots.map((root) => signer.sign(root)));
      signatures.forEach((signature, i) =>
        expect(signature).toEqual(
          blsSign(stateRootHashMessage(roots[i] ?? new Uint8Array()), key.secretKey),
        ),
      );
    } finally {
      await signer.close();
    }
  });

  it('answers pipelined requests in order, each with its own root', async () => {
    const signer = new RootSigner(key.secretKey);
    try {
      const order: number[] = [];
      const signatures = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          signer.sign(rootHash(i)).then((signature) => {
            order.push(i);
            return signature;
          }),
        ),
      );
      expect(order).toEqual([0, 1, 2, 3, 4, 5]);
      signatures.forEach((signature, i) =>
        expect(blsVerify(signature, stateRootHashMessage(rootHash(i)), key.publicKey)).toBe(true),
      );
    } finally {
      await signer.close();
    }
  });

  it('rejects requests pending at close and after it with 503, and stops the worker', async () => {
    const signer = new RootSigner(key.secretKey);
    const pending = expect(signer.sign(rootHash(3))).rejects.toMatchObject({ status: 503 });
    await signer.close();
    await pending;
    await expect(signer.sign(rootHash(4))).rejects.toMatchObject({ status: 503 });
  });

  it('refuses a malformed secret key before starting a worker', () => {
    expect(() => new RootSigner(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
