/**
 * BLS12-381 in the IC's min-signature-size variant: public keys in G2 (96 bytes compressed),
 * signatures in G1 (48 bytes compressed), hash-to-curve with the ciphersuite
 * `BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_`. Plus the DER encoding of such public keys
 * that the IC uses for its root key.
 */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from './bytes.js';
import { CertificationError } from './errors.js';

/** Hash-to-curve domain separation tag of the IC's BLS signatures. */
export const BLS_DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
/** Length of a compressed G2 public key. */
export const BLS_PUBLIC_KEY_LENGTH = 96;
/** Length of a compressed G1 signature. */
export const BLS_SIGNATURE_LENGTH = 48;

const { shortSignatures } = bls12_381;
/** Order of the G1/G2 subgroups. */
const CURVE_ORDER = bls12_381.fields.Fr.ORDER;

/** A BLS key pair, e.g. a replica's root key. */
export interface RootKey {
  /** The secret scalar, 32 bytes big-endian. */
  secretKey: Uint8Array;
  /** The public key: a compressed G2 point, 96 bytes. */
  publicKey: Uint8Array;
  /** {@link derEncodeBlsPublicKey} of `publicKey`: what agents take as `rootKey`. */
  derPublicKey: Uint8Array;
}

/**
 * Derives a BLS key pair deterministically from a seed of at least 32 bytes, with the
 * `KeyGen` procedure of the IETF BLS signature draft (HKDF-SHA-256, salt
 * "BLS-SIG-KEYGEN-SALT-", re-hashed until the scalar is non-zero).
 * @throws CertificationError `ERR_INVALID_KEY` if the seed is shorter than 32 bytes.
 */
export function generateRootKey(seed: Uint8Array): RootKey {
  if (seed.length < 32)
    throw new CertificationError(
      'ERR_INVALID_KEY',
      `a BLS seed needs at least 32 bytes, got ${seed.length}`,
    );
  const L = 48; // ceil(3 * ceil(log2(r)) / 16)
  let salt = utf8('BLS-SIG-KEYGEN-SALT-');
  let scalar = 0n;
  while (scalar === 0n) {
    salt = sha256(salt);
    const okm = hkdf(sha256, concatBytes(seed, Uint8Array.of(0)), salt, Uint8Array.of(0, L), L);
    scalar = bytesToBigInt(okm) % CURVE_ORDER;
  }
  const secretKey = bigIntToBytes(scalar, 32);
  const publicKey = blsPublicKey(secretKey);
  return { secretKey, publicKey, derPublicKey: derEncodeBlsPublicKey(publicKey) };
}

/** The compressed G2 public key of a 32-byte secret key. */
export function blsPublicKey(secretKey: Uint8Array): Uint8Array {
  return shortSignatures.getPublicKey(checkBlsSecretKey(secretKey)).toBytes(true);
}

/** Signs `message` (hashed to G1 with {@link BLS_DST}); returns the 48-byte signature. */
export function blsSign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const point = shortSignatures.hash(message, BLS_DST);
  return shortSignatures.sign(point, checkBlsSecretKey(secretKey)).toBytes(true);
}

/** Verifies a 48-byte signature over `message` against a 96-byte public key; never throws. */
export function blsVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return shortSignatures.verify(signature, shortSignatures.hash(message, BLS_DST), publicKey);
  } catch {
    return false;
  }
}

// DER building blocks, for:
//   SEQUENCE {
//     SEQUENCE { OID 1.3.6.1.4.1.44668.5.3.1.2.1 (BLS12-381), OID 1.3.6.1.4.1.44668.5.3.2.1 (G2) },
//     BIT STRING (the 96-byte key, no unused bits)
//   }
const BLS_ALGORITHM_OID = [1, 3, 6, 1, 4, 1, 44668, 5, 3, 1, 2, 1];
const BLS_G2_CURVE_OID = [1, 3, 6, 1, 4, 1, 44668, 5, 3, 2, 1];
const DER_PREFIX = derPrefix();

/**
 * DER-encodes a 96-byte BLS12-381 G2 public key the way the IC encodes its root key
 * (SubjectPublicKeyInfo with the BLS12-381 algorithm and G2 curve OIDs).
 */
export function derEncodeBlsPublicKey(publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== BLS_PUBLIC_KEY_LENGTH) {
    throw new CertificationError(
      'ERR_INVALID_KEY',
      `a BLS public key has ${BLS_PUBLIC_KEY_LENGTH} bytes, got ${publicKey.length}`,
    );
  }
  return concatBytes(DER_PREFIX, publicKey);
}

/** Inverse of {@link derEncodeBlsPublicKey}: the raw 96-byte key. */
export function derDecodeBlsPublicKey(der: Uint8Array): Uint8Array {
  const prefix = der.subarray(0, DER_PREFIX.length);
  const ok =
    der.length === DER_PREFIX.length + BLS_PUBLIC_KEY_LENGTH &&
    prefix.every((b, i) => b === DER_PREFIX[i]);
  if (!ok)
    throw new CertificationError('ERR_INVALID_KEY', 'not a DER-encoded BLS12-381 G2 public key');
  return der.slice(DER_PREFIX.length);
}

function derPrefix(): Uint8Array {
  const algorithm = derTlv(0x30, concatBytes(derOid(BLS_ALGORITHM_OID), derOid(BLS_G2_CURVE_OID)));
  // The whole SEQUENCE, less the key bytes: header of the outer SEQUENCE and the BIT STRING.
  const bitStringLength = 1 + BLS_PUBLIC_KEY_LENGTH;
  const bitStringHeader = concatBytes(
    Uint8Array.of(0x03),
    derLength(bitStringLength),
    Uint8Array.of(0x00),
  );
  const innerLength = algorithm.length + bitStringHeader.length + BLS_PUBLIC_KEY_LENGTH;
  return concatBytes(Uint8Array.of(0x30), derLength(innerLength), algorithm, bitStringHeader);
}

function derTlv(tag: number, content: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), derLength(content.length), content);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

function derOid(arcs: readonly number[]): Uint8Array {
  const [first = 0, second = 0, ...rest] = arcs;
  const body: number[] = [40 * first + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = arc >>> 7; n > 0; n >>>= 7) chunk.unshift(0x80 | (n & 0x7f));
    body.push(...chunk);
  }
  return derTlv(0x06, Uint8Array.from(body));
}

/**
 * Checks that `secretKey` is a valid BLS secret key (32 bytes, a non-zero scalar below the
 * group order) without the cost of deriving its public key; returns it.
 * @throws CertificationError `ERR_INVALID_KEY` otherwise.
 */
export function checkBlsSecretKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32)
    throw new CertificationError(
      'ERR_INVALID_KEY',
      `a BLS secret key has 32 bytes, got ${secretKey.length}`,
    );
  const scalar = bytesToBigInt(secretKey);
  if (scalar === 0n || scalar >= CURVE_ORDER)
    throw new CertificationError('ERR_INVALID_KEY', 'BLS secret key out of range');
  return secretKey;
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

function bigIntToBytes(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, rest = n; i >= 0; i--, rest >>= 8n) out[i] = Number(rest & 0xffn);
  return out;
}
