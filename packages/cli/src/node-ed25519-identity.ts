/**
 * An Ed25519 signing identity on `node:crypto`. `@dfinity/identity`'s Ed25519KeyIdentity signs
 * with a pure-JS curve library whose first signature in a fresh process costs a few hundred
 * milliseconds of CPU; the CLI signs one or two requests per run, so it uses OpenSSL's.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import {
  SignIdentity,
  type DerEncodedPublicKey,
  type PublicKey,
  type Signature,
} from '@dfinity/agent';

/** Signs with an Ed25519 private key held by `node:crypto`. */
export class NodeEd25519Identity extends SignIdentity {
  readonly #privateKey: KeyObject;
  readonly #publicKey: PublicKey;

  constructor(privateKey: KeyObject) {
    super();
    this.#privateKey = privateKey;
    // SPKI DER of an Ed25519 key is the IC's DER encoding (OID 1.3.101.112).
    const der = new Uint8Array(
      createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    ) as DerEncodedPublicKey;
    const raw = der.slice(der.length - 32);
    this.#publicKey = { toDer: () => der, toRaw: () => raw, rawKey: raw, derKey: der };
  }

  /** The public key, DER-encoded as the IC expects. */
  getPublicKey(): PublicKey {
    return this.#publicKey;
  }

  /** An Ed25519 signature of `blob`. */
  sign(blob: Uint8Array): Promise<Signature> {
    return Promise.resolve(new Uint8Array(sign(null, blob, this.#privateKey)) as Signature);
  }
}
