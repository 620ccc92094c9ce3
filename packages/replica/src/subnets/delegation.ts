/**
 * Delegations, as the IC's root subnet issues them: a certificate signed by the root key over
 * `/subnet/<id>/public_key` and `/subnet/<id>/canister_ranges` (and the newer
 * `/canister_ranges/<id>/…`), vouching that the subnet's key may sign for the canisters in
 * its ranges. Certificates signed with a subnet key carry it as their `delegation`.
 */
import {
  buildTree,
  decodeCbor,
  decodeCertificate,
  encodeCbor,
  lookupPath,
  signCertificate,
  timeEntry,
  utf8,
  verifyCertificateSignature,
  type Delegation,
  type RootKey,
  type TreeEntry,
} from '@tincan/certification';
import type { CanisterRange } from './topology.js';

/** Signs the delegation of `subnetId` (with key `subnetKey` and `ranges`) by the root key, dated `timeNs`. */
export function signDelegation(
  rootKey: RootKey,
  subnetId: Uint8Array,
  subnetKey: RootKey,
  ranges: readonly CanisterRange[],
  timeNs: bigint,
): Delegation {
  const encodedRanges = encodeCbor(ranges.map(([low, high]) => [low, high]));
  const entries: TreeEntry[] = [
    [[utf8('subnet'), subnetId, utf8('canister_ranges')], encodedRanges],
    [[utf8('subnet'), subnetId, utf8('public_key')], subnetKey.derPublicKey],
    timeEntry(timeNs),
  ];
  for (const [low] of ranges)
    entries.push([
      [utf8('canister_ranges'), subnetId, low],
      encodeCbor(ranges.filter(([l]) => l === low).map(([l, h]) => [l, h])),
    ]);
  return {
    subnet_id: subnetId,
    certificate: signCertificate(buildTree(entries), rootKey.secretKey),
  };
}

/** What a verified delegation vouches for. */
export interface DelegatedKey {
  /** The subnet's DER-encoded BLS public key. */
  readonly derPublicKey: Uint8Array;
  readonly ranges: readonly CanisterRange[];
}

/**
 * Verifies a delegation against the DER root key: the root's signature, no nested delegation,
 * and the subnet's key and ranges present. Returns what it vouches for, or a reason it does not.
 */
export function verifyDelegation(
  delegation: Delegation,
  derRootKey: Uint8Array,
): DelegatedKey | string {
  let inner;
  try {
    inner = decodeCertificate(delegation.certificate);
  } catch (err) {
    return `the delegation's certificate does not decode: ${(err as Error).message}`;
  }
  if (inner.delegation !== undefined) return 'the delegation is itself delegated';
  if (!verifyCertificateSignature(delegation.certificate, derRootKey))
    return "the delegation's signature does not verify against the root key";
  const key = lookupPath(inner.tree, ['subnet', delegation.subnet_id, 'public_key']);
  const ranges = lookupPath(inner.tree, ['subnet', delegation.subnet_id, 'canister_ranges']);
  if (key.status !== 'found' || ranges.status !== 'found')
    return "the delegation does not certify the subnet's key and ranges";
  const decoded = decodeCbor(ranges.value);
  if (
    !Array.isArray(decoded) ||
    !decoded.every(
      (r) => Array.isArray(r) && r.length === 2 && r.every((b) => b instanceof Uint8Array),
    )
  )
    return "the delegation's canister ranges are malformed";
  return { derPublicKey: key.value, ranges: decoded as CanisterRange[] };
}
