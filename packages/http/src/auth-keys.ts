/**
 * Public keys of request senders, as the IC's HTTPS interface accepts them: DER-encoded
 * SubjectPublicKeyInfo for Ed25519 (OID 1.3.101.112), and ECDSA (id-ecPublicKey) on secp256k1
 * (1.3.132.0.10) or P-256 (1.2.840.10045.3.1.7). Also the self-authenticating principal of a
 * key and signature verification over a message.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha224, sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@tincan/certification';
import { bytesEqual } from '@tincan/bytes';
import { TincanError } from '@tincan/errors';

/** The signature schemes tincan verifies. */
export type KeyScheme = 'ed25519' | 'ecdsa-secp256k1' | 'ecdsa-p256';

/** A parsed sender public key. */
export interface SenderKey {
  readonly scheme: KeyScheme;
  /** The raw key: 32 bytes for Ed25519, an SEC1 point for ECDSA. */
  readonly raw: Uint8Array;
}

/** Why a key could not be used; the caller turns it into an HTTP problem. */
export class KeyError extends TincanError<'ERR_BAD_KEY'> {
  constructor(message: string) {
    super('ERR_BAD_KEY', message);
  }
}

// DER-encoded object identifiers (contents only, without tag and length).
const OID_ED25519 = Uint8Array.of(0x2b, 0x65, 0x70);
const OID_EC_PUBLIC_KEY = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01);
const OID_SECP256K1 = Uint8Array.of(0x2b, 0x81, 0x04, 0x00, 0x0a);
const OID_P256 = Uint8Array.of(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07);
const OID_CANISTER_SIG = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb8, 0x43, 0x01, 0x02);
const OID_BLS = Uint8Array.of(
  0x2b,
  0x06,
  0x01,
  0x04,
  0x01,
  0x82,
  0xdc,
  0x7c,
  0x05,
  0x03,
  0x01,
  0x02,
  0x01,
);

const TAG_SEQUENCE = 0x30;
const TAG_OID = 0x06;
const TAG_BIT_STRING = 0x03;

/** The self-authenticating principal of a DER-encoded public key: SHA-224(DER) || 0x02. */
export function selfAuthenticatingPrincipal(der: Uint8Array): Uint8Array {
  return concatBytes(sha224(der), Uint8Array.of(0x02));
}

/**
 * Parses a DER SubjectPublicKeyInfo.
 * @throws KeyError for malformed DER and for key types tincan does not verify.
 */
export function parsePublicKey(der: Uint8Array): SenderKey {
  const outer = readTlv(der, 0, TAG_SEQUENCE, 'SubjectPublicKeyInfo');
  if (outer.end !== der.length) throw new KeyError('trailing bytes after the SubjectPublicKeyInfo');
  const algorithm = readTlv(der, outer.start, TAG_SEQUENCE, 'AlgorithmIdentifier');
  const oid = readTlv(der, algorithm.start, TAG_OID, 'algorithm OID');
  const algorithmOid = der.subarray(oid.start, oid.end);
  let params: Uint8Array | undefined;
  if (oid.end < algorithm.end) {
    const param = readTlv(der, oid.end, TAG_OID, 'curve OID');
    if (param.end !== algorithm.end) throw new KeyError('unexpected algorithm parameters');
    params = der.subarray(param.start, param.end);
  }
  const bits = readTlv(der, algorithm.end, TAG_BIT_STRING, 'subjectPublicKey');
  if (bits.end !== outer.end) throw new KeyError('unexpected fields in the SubjectPublicKeyInfo');
  if (der[bits.start] !== 0)
    throw new KeyError('the public key bit string must have no unused bits');
  const raw = der.slice(bits.start + 1, bits.end);

  if (bytesEqual(algorithmOid, OID_ED25519) && params === undefined) {
    if (raw.length !== 32)
      throw new KeyError(`an Ed25519 public key must be 32 bytes, got ${raw.length}`);
    return { scheme: 'ed25519', raw };
  }
  if (bytesEqual(algorithmOid, OID_EC_PUBLIC_KEY) && params !== undefined) {
    if (bytesEqual(params, OID_SECP256K1))
      return { scheme: 'ecdsa-secp256k1', raw: checkPoint(raw, 'secp256k1') };
    if (bytesEqual(params, OID_P256))
      return { scheme: 'ecdsa-p256', raw: checkPoint(raw, 'P-256') };
    throw new KeyError(
      `unsupported ECDSA curve (OID ${oidText(params)}); supported are secp256k1 and P-256`,
    );
  }
  if (bytesEqual(algorithmOid, OID_CANISTER_SIG))
    throw new KeyError('canister signatures are not supported by tincan');
  if (bytesEqual(algorithmOid, OID_BLS))
    throw new KeyError('BLS12-381 sender keys are not supported by tincan');
  throw new KeyError(
    `unsupported public key algorithm (OID ${oidText(algorithmOid)}); supported are Ed25519, ECDSA secp256k1 and ECDSA P-256`,
  );
}

/**
 * Whether `signature` is a valid signature of `message` under `key`: Ed25519 over the
 * message itself, ECDSA as 64-byte r || s over SHA-256 of the message.
 */
export function verifySignature(
  key: SenderKey,
  signature: Uint8Array,
  message: Uint8Array,
): boolean {
  try {
    if (key.scheme === 'ed25519')
      return signature.length === 64 && ed25519.verify(signature, message, key.raw);
    if (signature.length !== 64) return false;
    const curve = key.scheme === 'ecdsa-secp256k1' ? secp256k1 : p256;
    return curve.verify(signature, sha256(message), key.raw, {
      prehash: false,
      lowS: false,
      format: 'compact',
    });
  } catch {
    return false;
  }
}

function checkPoint(raw: Uint8Array, name: string): Uint8Array {
  const curve = name === 'secp256k1' ? secp256k1 : p256;
  try {
    curve.ProjectivePoint.fromHex(raw).assertValidity();
  } catch {
    throw new KeyError(`the public key is not a valid ${name} point`);
  }
  return raw;
}

interface Tlv {
  /** Where the contents start. */
  readonly start: number;
  /** Where the contents end (exclusive). */
  readonly end: number;
}

function readTlv(der: Uint8Array, offset: number, tag: number, what: string): Tlv {
  if (der[offset] !== tag) throw new KeyError(`malformed DER: expected ${what}`);
  let length = der[offset + 1];
  let start = offset + 2;
  if (length === undefined) throw new KeyError(`malformed DER: truncated ${what}`);
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 2) throw new KeyError(`malformed DER: bad length of ${what}`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const byte = der[start + i];
      if (byte === undefined) throw new KeyError(`malformed DER: truncated ${what}`);
      length = (length << 8) | byte;
    }
    start += count;
  }
  const end = start + length;
  if (end > der.length) throw new KeyError(`malformed DER: truncated ${what}`);
  return { start, end };
}

function oidText(oid: Uint8Array): string {
  const first = oid[0] ?? 0;
  const parts: number[] = [
    Math.min(2, Math.floor(first / 40)),
    first - Math.min(2, Math.floor(first / 40)) * 40,
  ];
  let value = 0;
  for (const byte of oid.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
