/**
 * The HTTP fuzz's envelopes: a small seeded PRNG, Ed25519 keys, the endpoints, valid request
 * contents for the counter canister, and anonymous or signed envelopes as the IC HTTP interface
 * takes them (the request id signed under the `ic-request` domain). The bench's fuzz
 * (fuzz-requests.ts) mutates these, and so does the HTTP fuzz test (`test/http/fuzz.test.ts`),
 * which imports this module as `@tincan/bench/fuzz-envelopes`.
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

/**
 * The endpoints that take envelopes for `canisterId` on `subnet` (a subnet id as text), in this
 * order: calls (v2, v3, v4), queries (v2, v3), read_state (the canister's v2, the subnet's v3).
 */
export function fuzzEndpoints(canisterId: Principal, subnet: string): string[] {
  const id = canisterId.toText();
  return [
    `/api/v2/canister/${id}/call`,
    `/api/v3/canister/${id}/call`,
    `/api/v4/canister/${id}/call`,
    `/api/v2/canister/${id}/query`,
    `/api/v3/canister/${id}/query`,
    `/api/v2/canister/${id}/read_state`,
    `/api/v3/subnet/${subnet}/read_state`,
  ];
}

/** The request types an envelope's content can have. */
export type RequestType = 'call' | 'query' | 'read_state';

/**
 * The content of a valid request from `sender` (`Uint8Array.of(4)` for the anonymous one) that
 * expires in three minutes: a call of the counter's `add(1)`, a query of its `get()` (each with
 * a nonce from `rng`), or a read_state of `/time` and of a request status (an id from `rng`).
 */
export function requestContent(
  type: RequestType,
  canisterId: Principal,
  sender: Uint8Array,
  rng: Rng,
): Record<string, unknown> {
  const expiry = (): bigint => BigInt(Date.now() + 3 * 60_000) * 1_000_000n;
  if (type === 'read_state') {
    return {
      request_type: 'read_state',
      paths: [[utf8('time')], [utf8('request_status'), rng.bytes(32)]],
      sender,
      ingress_expiry: expiry(),
    };
  }
  return {
    request_type: type,
    canister_id: canisterId.toUint8Array(),
    method_name: type === 'call' ? 'add' : 'get',
    arg: type === 'call' ? natArg(1n) : new Uint8Array(IDL.encode([], [])),
    sender,
    ingress_expiry: expiry(),
    nonce: rng.bytes(8),
  };
}

/** The envelope of `content`: signed by `key`, or anonymous without one. */
export function envelopeOf(content: Record<string, unknown>, key?: Key): Record<string, unknown> {
  return key === undefined ? { content } : sign(key, content);
}
