import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { NodeEd25519Identity } from './node-ed25519-identity.js';

describe('NodeEd25519Identity', () => {
  it('has the principal, public key and signatures of @dfinity/identity for the same key', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const secret = new Uint8Array(
      Buffer.from((privateKey.export({ format: 'jwk' }) as { d: string }).d, 'base64url'),
    );
    const reference = Ed25519KeyIdentity.fromSecretKey(secret);
    const node = new NodeEd25519Identity(privateKey);
    expect(node.getPrincipal().toText()).toBe(reference.getPrincipal().toText());
    expect([...node.getPublicKey().toDer()]).toEqual([...reference.getPublicKey().toDer()]);
    const message = new TextEncoder().encode('\x0Aic-request some request id');
    // Ed25519 signatures are deterministic: both must produce the same bytes.
    expect([...(await node.sign(message))]).toEqual([...(await reference.sign(message))]);
  });
});
