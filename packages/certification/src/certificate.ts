/**
 * Certificates: a hash tree plus a BLS signature over its root hash, optionally with a
 * delegation from the root key to a subnet key. Encoded as CBOR
 * `{ tree, signature, delegation? }` behind the self-describe tag, as agents expect.
 */
import { blsSign, blsVerify, derDecodeBlsPublicKey } from './bls.js';
import { concatBytes, decodeLeb128, encodeLeb128, utf8 } from './bytes.js';
import { decodeCbor, encodeCbor } from './cbor.js';
import { CertificationError } from './errors.js';
import {
  assertHashTree,
  domainSeparator,
  lookupPath,
  reconstruct,
  type HashTree,
} from './hash-tree.js';
import type { TreeEntry } from './build-tree.js';

/** A delegation: the subnet whose key signed, and the root-signed certificate vouching for it. */
export interface Delegation {
  /** The subnet's principal bytes. */
  subnet_id: Uint8Array;
  /** A certificate (CBOR) signed by the root key holding `/subnet/<subnet_id>/public_key`. */
  certificate: Uint8Array;
}

/** A decoded certificate. */
export interface Certificate {
  tree: HashTree;
  /** BLS signature (48 bytes) over {@link stateRootMessage} of `tree`. */
  signature: Uint8Array;
  delegation?: Delegation;
}

const STATE_ROOT_SEP = domainSeparator('ic-state-root');

/** What the certificate's signature covers: `"\x0Dic-state-root" || reconstruct(tree)`. */
export function stateRootMessage(tree: HashTree): Uint8Array {
  return concatBytes(STATE_ROOT_SEP, reconstruct(tree));
}

/** The `/time` entry for a certificate tree: nanoseconds since the epoch as LEB128. */
export function timeEntry(nanos: bigint): TreeEntry {
  return [[utf8('time')], encodeLeb128(nanos)];
}

/** Current wall-clock time in nanoseconds since the epoch (millisecond resolution). */
export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/**
 * Signs `tree` with a BLS secret key and encodes the certificate as CBOR (self-describe tag
 * 55799, then `{ tree, signature }`, plus `delegation` when given — a subnet key signing
 * under the root key).
 * @throws CertificationError `ERR_INVALID_CERTIFICATE` if the tree has no `/time` leaf, which
 *   every IC certificate carries and agents require.
 */
export function signCertificate(
  tree: HashTree,
  secretKey: Uint8Array,
  options: { delegation?: Delegation } = {},
): Uint8Array {
  certificateTime(tree);
  const certificate: Certificate = { tree, signature: blsSign(stateRootMessage(tree), secretKey) };
  if (options.delegation !== undefined) certificate.delegation = options.delegation;
  return encodeCbor(certificate);
}

/**
 * Signs a state tree's root hash (from {@link reconstruct} or a tree hasher): the signature
 * every witness pruned from that tree carries, since pruning keeps the root hash.
 */
export function signStateRoot(rootHash: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return blsSign(stateRootHashMessage(rootHash), secretKey);
}

/** What a certificate's signature covers, from a root hash: `"\x0Dic-state-root" || rootHash`. */
export function stateRootHashMessage(rootHash: Uint8Array): Uint8Array {
  return concatBytes(STATE_ROOT_SEP, rootHash);
}

/** Encodes a certificate as agents expect it (self-describe tag, then `{ tree, signature, delegation? }`). */
export function encodeCertificate(certificate: Certificate): Uint8Array {
  return encodeCbor(certificate);
}

/** The certified time (ns since the epoch) of a certificate tree, from its `/time` leaf. */
export function certificateTime(tree: HashTree): bigint {
  const time = lookupPath(tree, ['time']);
  if (time.status !== 'found')
    throw new CertificationError('ERR_INVALID_CERTIFICATE', 'the tree has no /time leaf');
  return decodeLeb128(time.value);
}

/** Decodes and structurally checks a CBOR certificate; does not verify the signature. */
export function decodeCertificate(bytes: Uint8Array): Certificate {
  let decoded: unknown;
  try {
    decoded = decodeCbor(bytes);
  } catch (cause) {
    throw new CertificationError('ERR_INVALID_CERTIFICATE', 'certificate is not valid CBOR', {
      cause,
    });
  }
  if (typeof decoded !== 'object' || decoded === null) {
    throw new CertificationError('ERR_INVALID_CERTIFICATE', 'certificate is not a map');
  }
  const { tree, signature, delegation } = decoded as Record<string, unknown>;
  try {
    assertHashTree(tree);
  } catch (cause) {
    throw new CertificationError('ERR_INVALID_CERTIFICATE', 'certificate tree is malformed', {
      cause,
    });
  }
  if (!(signature instanceof Uint8Array))
    throw new CertificationError('ERR_INVALID_CERTIFICATE', 'signature must be bytes');
  const certificate: Certificate = { tree, signature };
  if (delegation !== undefined) {
    const { subnet_id, certificate: inner } = (delegation ?? {}) as Record<string, unknown>;
    if (!(subnet_id instanceof Uint8Array) || !(inner instanceof Uint8Array)) {
      throw new CertificationError(
        'ERR_INVALID_CERTIFICATE',
        'delegation must hold subnet_id and certificate bytes',
      );
    }
    certificate.delegation = { subnet_id, certificate: inner };
  }
  return certificate;
}

/**
 * Verifies a certificate's signature against a DER-encoded root key, following a delegation
 * (one level, as the spec allows) to the subnet key it certifies. Checks neither time nor
 * canister ranges: this is for self-checks, not a replacement for an agent's verification.
 */
export function verifyCertificateSignature(bytes: Uint8Array, derRootKey: Uint8Array): boolean {
  const certificate = decodeCertificate(bytes);
  let derKey = derRootKey;
  if (certificate.delegation !== undefined) {
    const inner = decodeCertificate(certificate.delegation.certificate);
    if (
      inner.delegation !== undefined ||
      !verifyCertificateSignature(certificate.delegation.certificate, derRootKey)
    )
      return false;
    const key = lookupPath(inner.tree, ['subnet', certificate.delegation.subnet_id, 'public_key']);
    if (key.status !== 'found') return false;
    derKey = key.value;
  }
  return blsVerify(
    certificate.signature,
    stateRootMessage(certificate.tree),
    derDecodeBlsPublicKey(derKey),
  );
}
