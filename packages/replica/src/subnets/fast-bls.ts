/**
 * BLS12-381 signatures for stream slices, on mcl (WebAssembly): a signature in about a
 * millisecond and a verification in a few, where @noble/curves takes 6-20 ms and 15-45 ms. A
 * stream slice is signed by its sender and verified by its receiver, so this is most of what a
 * call between subnets costs beyond a call within one. Signatures are the IC's: G1 signatures,
 * G2 keys, the message hashed to G1 with `hash_to_field` (done with @noble/curves and the IC's
 * DST) and mcl's IETF map of each of the two field elements, summed. Should mcl fail to load,
 * @noble/curves does the work (same bytes, slower).
 */
import { createRequire } from 'node:module';
import { hash_to_field } from '@noble/curves/abstract/hash-to-curve.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { BLS_DST, blsSign, blsVerify } from '@tincan/certification';

/** Signs and verifies with one engine. */
export interface Bls {
  readonly engine: 'mcl' | 'noble';
  /** Signs `message`; the 48-byte compressed G1 signature. */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** Whether `signature` is a valid signature of `message` by the 96-byte `publicKey`; never throws. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

const NOBLE: Bls = { engine: 'noble', sign: blsSign, verify: blsVerify };

let loading: Promise<Bls> | undefined;

/** The fastest engine that loads (mcl, else @noble/curves); loaded once per process. */
export function loadBls(): Promise<Bls> {
  loading ??= loadMcl().catch(() => NOBLE);
  return loading;
}

type Mcl = typeof import('mcl-wasm');

async function loadMcl(): Promise<Bls> {
  const mcl = createRequire(import.meta.url)('mcl-wasm') as Mcl;
  await mcl.init(mcl.BLS12_381);
  mcl.setETHserialization(true); // compressed points as the IC (and ZCash) encode them
  mcl.setMapToMode(mcl.IRTF); // the IETF hash-to-curve map
  mcl.verifyOrderG1(true); // a point outside the subgroup does not deserialize
  mcl.verifyOrderG2(true);
  const generator = new mcl.G2();
  generator.deserialize(bls12_381.G2.Point.BASE.toBytes(true));
  // Miller loops against fixed G2 points (the generator, each subnet key) use precomputed line
  // coefficients: both loops of a verification run in one pass.
  const negGenerator = new mcl.PrecomputedG2(mcl.neg(generator));
  const fieldOptions = {
    DST: BLS_DST,
    p: bls12_381.fields.Fp.ORDER,
    m: 1,
    k: 128,
    expand: 'xmd' as const,
    hash: sha256,
  };
  const toFp = (n: bigint): InstanceType<Mcl['Fp']> => {
    const fp = new mcl.Fp();
    fp.setStr(n.toString(16), 16);
    return fp;
  };
  // The subnets of one replica share this process: the receiver of a slice hashes the very
  // message its sender hashed a moment before, and deserializes the signature the sender just
  // serialized. Both are pure functions of the bytes, so a small memo keyed by the exact bytes
  // returns what computing them would (a tampered message or signature misses it and is
  // computed, and checked, from its bytes as before). It spares about a third of a verification.
  const hashed = new BytesMemo<InstanceType<Mcl['G1']>>();
  const signatures = new BytesMemo<InstanceType<Mcl['G1']>>();
  const hashToG1 = (message: Uint8Array): InstanceType<Mcl['G1']> =>
    hashed.get(message, () => {
      const [[u0], [u1]] = hash_to_field(message, 2, fieldOptions) as [[bigint], [bigint]];
      return mcl.add(toFp(u0).mapToG1(), toFp(u1).mapToG1());
    });
  // Keys are few (one per subnet) and checking a G2 point's subgroup costs more than a Miller
  // loop: each key is deserialized, checked and precomputed once.
  const keys = new Map<
    string,
    { readonly point: InstanceType<Mcl['G2']>; readonly lines: InstanceType<Mcl['PrecomputedG2']> }
  >();
  const keyOf = (
    publicKey: Uint8Array,
  ): {
    readonly point: InstanceType<Mcl['G2']>;
    readonly lines: InstanceType<Mcl['PrecomputedG2']>;
  } => {
    const id = Buffer.from(publicKey).toString('hex');
    let key = keys.get(id);
    if (key === undefined) {
      const point = new mcl.G2();
      point.deserialize(publicKey);
      key = { point, lines: new mcl.PrecomputedG2(point) };
      // Kept for the process: the keys are the subnets' (a delegation is checked before its
      // key is used), at most 16.
      keys.set(id, key);
    }
    return key;
  };
  return {
    engine: 'mcl',
    sign(message, secretKey) {
      const key = new mcl.Fr();
      key.setBigEndianMod(secretKey);
      const point = mcl.mul(hashToG1(message), key);
      const bytes = point.serialize();
      // In the subgroup by construction: what deserializing (and order-checking) these bytes gives.
      signatures.put(bytes, point);
      return bytes;
    },
    verify(signature, message, publicKey) {
      try {
        const sig = signatures.get(signature, () => {
          const point = new mcl.G1();
          point.deserialize(signature);
          return point;
        });
        const key = keyOf(publicKey);
        if (sig.isZero() || key.point.isZero()) return false;
        // e(sig, -g2) · e(H(m), pk) = 1 exactly when e(sig, g2) = e(H(m), pk).
        return mcl
          .finalExp(mcl.precomputedMillerLoop2(sig, negGenerator, hashToG1(message), key.lines))
          .isOne();
      } catch {
        return false;
      }
    },
  };
}

/** Most entries a {@link BytesMemo} keeps: slices in flight at once, with room to spare. */
const MEMO_ENTRIES = 64;

/** A small memo of a pure function of bytes, keyed by the exact bytes; oldest entries go first. */
class BytesMemo<T> {
  readonly #entries = new Map<string, T>();

  get(bytes: Uint8Array, compute: () => T): T {
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
    const found = this.#entries.get(key);
    if (found !== undefined) return found;
    const value = compute();
    this.#set(key, value);
    return value;
  }

  put(bytes: Uint8Array, value: T): void {
    this.#set(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex'), value);
  }

  #set(key: string, value: T): void {
    this.#entries.set(key, value);
    if (this.#entries.size > MEMO_ENTRIES) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }
}
