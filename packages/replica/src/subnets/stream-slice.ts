/**
 * Certified stream slices: the messages a subnet sends another, from index `begin` on, under
 * `/streams/<receiver>/` in a hash tree (`header` with `begin` and `end`, and `messages`, the
 * slice's messages as one CBOR array), signed with the sending subnet's key (with its
 * delegation from the root key when it is not the root subnet). One leaf for the whole slice
 * keeps the tree, and the hashing on both sides, small however many messages a slice carries.
 * The receiver verifies the whole certificate before it reads a message from it, so a changed
 * byte anywhere, a slice signed by another key, or a key the root did not delegate is refused.
 */
import {
  buildTree,
  decodeCbor,
  decodeCertificate,
  derDecodeBlsPublicKey,
  encodeCbor,
  encodeCertificate,
  lookupPath,
  stateRootMessage,
  timeEntry,
  utf8,
  type Certificate,
  type Delegation,
  type RootKey,
  type TreeEntry,
} from '@tincan/certification';
import { toHex } from '@tincan/bytes';
import { verifyDelegation, type DelegatedKey } from './delegation.js';
import type { Bls } from './fast-bls.js';
import type { CanisterRange } from './topology.js';

/** The sending side of a slice. */
export interface SliceSigner {
  readonly subnetId: Uint8Array;
  readonly key: RootKey;
  /** The root's delegation to this subnet; undefined for the root subnet. */
  readonly delegation: Delegation | undefined;
}

/** A verified slice: its messages from `begin` on, and what the sender may speak for. */
export interface VerifiedSlice {
  readonly begin: number;
  readonly messages: readonly Uint8Array[];
  /** The sending subnet's canister ranges, as certified (by the delegation, or the root's own). */
  readonly ranges: readonly CanisterRange[];
}

/** What the receiver checks a slice against. */
export interface SliceExpectation {
  /** The subnet the slice claims to come from, and the receiver. */
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  /** The DER root key, and the root subnet's id and ranges (a slice from the root subnet carries no delegation). */
  readonly derRootKey: Uint8Array;
  readonly rootSubnetId: Uint8Array;
  readonly rootRanges: readonly CanisterRange[];
}

/** Certifies `messages` (indexes `begin`, `begin + 1`, …) of the stream from `signer` to `to`. */
export function certifySlice(
  bls: Bls,
  signer: SliceSigner,
  to: Uint8Array,
  begin: number,
  messages: readonly Uint8Array[],
  timeNs: bigint,
): Uint8Array {
  const entries: TreeEntry[] = [
    [[utf8('streams'), to, utf8('header')], encodeCbor({ begin, end: begin + messages.length })],
    [[utf8('streams'), to, utf8('messages')], encodeCbor(messages)],
    timeEntry(timeNs),
  ];
  const tree = buildTree(entries);
  const certificate: Certificate = {
    tree,
    signature: bls.sign(stateRootMessage(tree), signer.key.secretKey),
  };
  if (signer.delegation !== undefined) certificate.delegation = signer.delegation;
  return encodeCertificate(certificate);
}

/**
 * Verifies a slice; returns it, or why it is refused. `delegations` caches verified
 * delegations by their certificate bytes (a subnet's delegation changes only at a restart).
 */
export function verifySlice(
  bls: Bls,
  bytes: Uint8Array,
  expected: SliceExpectation,
  delegations: Map<string, DelegatedKey>,
): VerifiedSlice | string {
  let certificate;
  try {
    certificate = decodeCertificate(bytes);
  } catch (err) {
    return `the stream certificate does not decode: ${(err as Error).message}`;
  }
  let key: DelegatedKey;
  const fromRoot = toHex(expected.from) === toHex(expected.rootSubnetId);
  if (certificate.delegation === undefined) {
    if (!fromRoot) return 'the stream certificate of a non-root subnet carries no delegation';
    key = { derPublicKey: expected.derRootKey, ranges: expected.rootRanges };
  } else {
    if (toHex(certificate.delegation.subnet_id) !== toHex(expected.from))
      return 'the stream certificate is delegated to another subnet than its sender';
    const cacheKey = toHex(certificate.delegation.certificate);
    const cached = delegations.get(cacheKey);
    if (cached !== undefined) key = cached;
    else {
      const verified = verifyDelegation(certificate.delegation, expected.derRootKey);
      if (typeof verified === 'string') return verified;
      delegations.set(cacheKey, verified);
      key = verified;
    }
  }
  if (
    !bls.verify(
      certificate.signature,
      stateRootMessage(certificate.tree),
      derDecodeBlsPublicKey(key.derPublicKey),
    )
  ) {
    return "the stream certificate's signature does not verify against the sending subnet's key";
  }
  const header = lookupPath(certificate.tree, ['streams', expected.to, 'header']);
  if (header.status !== 'found') return 'the stream certificate holds no stream to this subnet';
  const { begin, end } = decodeCbor(header.value) as { begin?: unknown; end?: unknown };
  if (
    typeof begin !== 'number' ||
    typeof end !== 'number' ||
    !Number.isSafeInteger(begin) ||
    !Number.isSafeInteger(end) ||
    begin < 0 ||
    end < begin
  )
    return 'the stream header is malformed';
  const found = lookupPath(certificate.tree, ['streams', expected.to, 'messages']);
  if (found.status !== 'found') return 'the stream certificate holds no messages';
  const messages = decodeCbor(found.value);
  if (
    !Array.isArray(messages) ||
    messages.length !== end - begin ||
    !messages.every((m) => m instanceof Uint8Array)
  )
    return "the stream's messages do not match its header";
  return { begin, messages, ranges: key.ranges };
}
