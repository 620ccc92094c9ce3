/**
 * The connector's light client: checks that a certificate was signed for the source subnet's
 * state, following ICP's rules. The certificate is CBOR `{ tree, signature, delegation? }`; its
 * signature is BLS12-381 over `"\x0Dic-state-root" || root hash of tree`, made with the root key
 * itself or with a subnet key that a delegation (a certificate signed by the root key) vouches
 * for, together with the subnet's canister ranges. Only the root key is trusted: the relayer
 * that carries the certificate is not.
 */
import { decode } from '@dfinity/cbor';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';

type HashTree =
  [0] | [1, HashTree, HashTree] | [2, Uint8Array, HashTree] | [3, Uint8Array] | [4, Uint8Array];

const DST = 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_';
/** A DER BLS12-381 G2 public key is this prefix and the 96-byte key. */
const DER_PREFIX_LENGTH = 37;

const encoder = new TextEncoder();

function domainSep(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  return concat([Uint8Array.of(bytes.length), bytes]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function compare(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++)
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

/** The root hash of a hash tree, as the IC defines it. */
function reconstruct(tree: HashTree): Uint8Array {
  switch (tree[0]) {
    case 0:
      return sha256(domainSep('ic-hashtree-empty'));
    case 1:
      return sha256(
        concat([domainSep('ic-hashtree-fork'), reconstruct(tree[1]), reconstruct(tree[2])]),
      );
    case 2:
      return sha256(concat([domainSep('ic-hashtree-labeled'), tree[1], reconstruct(tree[2])]));
    case 3:
      return sha256(concat([domainSep('ic-hashtree-leaf'), tree[1]]));
    case 4:
      return tree[1];
    default:
      throw new Error('malformed hash tree');
  }
}

function findLabel(tree: HashTree, label: Uint8Array): HashTree | undefined {
  if (tree[0] === 2) return equal(tree[1], label) ? tree[2] : undefined;
  if (tree[0] === 1) return findLabel(tree[1], label) ?? findLabel(tree[2], label);
  return undefined;
}

/** The leaf at `path`, if the tree holds one there. */
export function lookup(
  tree: HashTree,
  path: ReadonlyArray<Uint8Array | string>,
): Uint8Array | undefined {
  let node: HashTree | undefined = tree;
  for (const part of path) {
    node = findLabel(node, typeof part === 'string' ? encoder.encode(part) : part);
    if (node === undefined) return undefined;
  }
  return node[0] === 3 ? node[1] : undefined;
}

interface Certificate {
  readonly tree: HashTree;
  readonly signature: Uint8Array;
  readonly delegation?: { readonly subnet_id: Uint8Array; readonly certificate: Uint8Array };
}

function decodeCertificate(bytes: Uint8Array): Certificate {
  const value = decode<Record<string, unknown>>(bytes);
  if (
    typeof value !== 'object' ||
    value === null ||
    !Array.isArray(value.tree) ||
    !(value.signature instanceof Uint8Array)
  )
    throw new Error('not a certificate');
  return value as unknown as Certificate;
}

function verifySignature(certificate: Certificate, derKey: Uint8Array): boolean {
  if (derKey.length !== DER_PREFIX_LENGTH + 96) return false;
  const message = concat([domainSep('ic-state-root'), reconstruct(certificate.tree)]);
  try {
    const sigs = bls12_381.shortSignatures;
    return sigs.verify(
      certificate.signature,
      sigs.hash(message, DST),
      derKey.subarray(DER_PREFIX_LENGTH),
    );
  } catch {
    return false;
  }
}

/**
 * Verifies `bytes` as a certificate for canister `canisterId` against the DER `rootKey` and
 * returns its tree. Throws with the reason when it does not verify. `trusted` remembers
 * delegations verified before (by their bytes), so each costs one signature check only once.
 */
export function verifyCertificate(
  bytes: Uint8Array,
  canisterId: Uint8Array,
  rootKey: Uint8Array,
  trusted: Set<string>,
): HashTree {
  const certificate = decodeCertificate(bytes);
  let key = rootKey;
  if (certificate.delegation !== undefined) {
    const { subnet_id: subnetId, certificate: inner } = certificate.delegation;
    const delegation = decodeCertificate(inner);
    if (delegation.delegation !== undefined) throw new Error('the delegation is itself delegated');
    const id = [...sha256(inner)].join(',');
    if (!trusted.has(id)) {
      if (!verifySignature(delegation, rootKey))
        throw new Error("the delegation's signature does not verify against the root key");
      trusted.add(id);
    }
    const ranges = lookup(delegation.tree, ['subnet', subnetId, 'canister_ranges']);
    const subnetKey = lookup(delegation.tree, ['subnet', subnetId, 'public_key']);
    if (ranges === undefined || subnetKey === undefined)
      throw new Error("the delegation does not certify the subnet's key and ranges");
    const list = decode<Uint8Array[][]>(ranges);
    if (
      !list.some(
        ([low, high]) =>
          low !== undefined &&
          high !== undefined &&
          compare(low, canisterId) <= 0 &&
          compare(canisterId, high) <= 0,
      )
    ) {
      throw new Error("the certificate's subnet does not host the source connector");
    }
    key = subnetKey;
  }
  if (!verifySignature(certificate, key))
    throw new Error("the certificate's signature does not verify");
  return certificate.tree;
}
