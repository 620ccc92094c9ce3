/**
 * The HTTP fuzz's envelopes: a small seeded PRNG, Ed25519 keys and signed envelopes as the IC
 * HTTP interface takes them (the request id signed under the `ic-request` domain).
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { concatBytes, requestId, utf8 } from '@tincan/certification';

/** A small seeded PRNG (xorshift32): the same seed, the same requests. */
export class Rng {
  #state: number;
  /** Starts at `seed` (0 counts as 1). */
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }
  /** The next 32-bit value. */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
  /** A value in [0, n). */
  below(n: number): number {
    return this.next() % n;
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.next() & 0xff);
  }
}

/** An Ed25519 key pair, its DER public key and the principal it authenticates. */
export interface Key {
  readonly secret: Uint8Array;
  readonly der: Uint8Array;
  readonly sender: Uint8Array;
}

const ED25519_DER_PREFIX = Uint8Array.of(
  0x30,
  0x2a,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x03,
  0x21,
  0x00,
);
const REQUEST_DOMAIN = concatBytes(Uint8Array.of(0x0a), utf8('ic-request'));

/** A key from the seeded generator. */
export function makeKey(rng: Rng): Key {
  const secret = rng.bytes(32);
  const der = concatBytes(ED25519_DER_PREFIX, ed25519.getPublicKey(secret));
  return { secret, der, sender: Principal.selfAuthenticating(der).toUint8Array() };
}

/** Signs `content` with `key`: an envelope with the sender's public key and signature. */
export function sign(key: Key, content: Record<string, unknown>): Record<string, unknown> {
  let id: Uint8Array;
  try {
    id = requestId(content);
  } catch {
    // Content with a value the request id cannot hash: signed over nothing, the server refuses it anyway.
    id = new Uint8Array(32);
  }
  return {
    content,
    sender_pubkey: key.der,
    sender_sig: ed25519.sign(concatBytes(REQUEST_DOMAIN, id), key.secret),
  };
}

/** Candid bytes of one `nat`. */
export const natArg = (n: bigint): Uint8Array => new Uint8Array(IDL.encode([IDL.Nat], [n]));
