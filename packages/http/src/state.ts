/**
 * The certified state the HTTP interface serves: `/time`, the status of ingress messages
 * (`/request_status`), the one subnet with its node key and canister ranges, and per-canister
 * `module_hash`, `controllers` and public `candid:service` metadata. Every certificate is a
 * fresh tree pruned to the requested paths and signed with the root key (no delegation: the
 * root key is the subnet key, so the subnet id is the root key's self-authenticating principal).
 */
import { Principal } from '@dfinity/principal';
import {
  buildTree,
  encodeCbor,
  encodeLeb128,
  prune,
  signCertificate,
  timeEntry,
  utf8,
  type RootKey,
  type TreeEntry,
} from '@tincan/certification';
import type { Replica } from '@tincan/replica';
import type { NodeKey } from './node-key.js';

/** The status of an ingress message, as `/request_status/<id>` certifies it. */
export type RequestStatus =
  | { readonly status: 'processing' }
  | { readonly status: 'replied'; readonly reply: Uint8Array }
  | { readonly status: 'rejected'; readonly rejectCode: number; readonly rejectMessage: string; readonly errorCode?: string };

interface StatusRecord {
  status: RequestStatus;
  readonly sender: Uint8Array;
  readonly expiresNs: bigint;
}

/** Ingress statuses are kept this long past the message's expiry, as the IC keeps them. */
const STATUS_RETENTION_NS = 5n * 60n * 1_000_000_000n;
/** Bound on remembered statuses, oldest dropped first. */
const MAX_STATUSES = 10_000;

/** Lowest and highest canister id a local subnet hosts: every opaque id (class 0x01). */
const RANGE_LOW = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
const RANGE_HIGH = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 1);

/** Options of {@link CertifiedState}. */
export interface CertifiedStateOptions {
  readonly replica: Replica;
  readonly rootKey: RootKey;
  readonly nodeKey: NodeKey;
  /** Current time in ns; the certified `/time`. */
  readonly nowNs: () => bigint;
}

/** Request statuses plus the replica's canisters, certified on demand. */
export class CertifiedState {
  readonly subnetId: Principal;
  readonly #options: CertifiedStateOptions;
  readonly #statuses = new Map<string, StatusRecord>();

  constructor(options: CertifiedStateOptions) {
    this.#options = options;
    this.subnetId = Principal.selfAuthenticating(options.rootKey.derPublicKey);
  }

  /** Whether a canister with this id exists. */
  hasCanister(id: Uint8Array): boolean {
    return this.#options.replica.runtime.canisters().some((record) => sameBytes(record.id, id));
  }

  /** The recorded status of a request, if any. */
  status(requestId: Uint8Array): { status: RequestStatus; sender: Uint8Array } | undefined {
    return this.#statuses.get(hex(requestId));
  }

  /** Records (or updates) the status of a request. */
  setStatus(requestId: Uint8Array, sender: Uint8Array, expiryNs: bigint, status: RequestStatus): void {
    const key = hex(requestId);
    const existing = this.#statuses.get(key);
    if (existing !== undefined) {
      existing.status = status;
      return;
    }
    this.#expire();
    this.#statuses.set(key, { status, sender, expiresNs: expiryNs + STATUS_RETENTION_NS });
  }

  /** A certificate (CBOR) over `/time` and `paths`, pruned from the whole state tree. */
  certify(paths: ReadonlyArray<ReadonlyArray<Uint8Array>>): Uint8Array {
    const tree = buildTree(this.#entries());
    return signCertificate(prune(tree, [[utf8('time')], ...paths]), this.#options.rootKey.secretKey);
  }

  #entries(): TreeEntry[] {
    const { replica, rootKey, nodeKey, nowNs } = this.#options;
    const entries: TreeEntry[] = [timeEntry(nowNs())];
    const subnet = this.subnetId.toUint8Array();
    const ranges = encodeCbor([[RANGE_LOW, RANGE_HIGH]]);
    entries.push(
      [[utf8('subnet'), subnet, utf8('public_key')], rootKey.derPublicKey],
      [[utf8('subnet'), subnet, utf8('canister_ranges')], ranges],
      [[utf8('subnet'), subnet, utf8('node'), nodeKey.nodeId.toUint8Array(), utf8('public_key')], nodeKey.derPublicKey],
      [[utf8('canister_ranges'), subnet, RANGE_LOW], ranges],
    );
    for (const record of replica.runtime.canisters()) {
      const base = [utf8('canister'), record.id];
      entries.push([[...base, utf8('controllers')], encodeCbor(record.controllers)]);
      if (record.moduleHash.length > 0) entries.push([[...base, utf8('module_hash')], record.moduleHash]);
      if (record.candid !== '') entries.push([[...base, utf8('metadata'), utf8('candid:service')], utf8(record.candid)]);
    }
    for (const [key, record] of this.#statuses) {
      const base = [utf8('request_status'), new Uint8Array(Buffer.from(key, 'hex'))];
      entries.push(...statusEntries(base, record.status));
    }
    return entries;
  }

  #expire(): void {
    const now = this.#options.nowNs();
    for (const [key, record] of this.#statuses) {
      if (record.expiresNs < now || this.#statuses.size >= MAX_STATUSES) this.#statuses.delete(key);
      else break;
    }
  }
}

function statusEntries(base: Uint8Array[], status: RequestStatus): TreeEntry[] {
  const at = (label: string, value: Uint8Array): TreeEntry => [[...base, utf8(label)], value];
  const entries = [at('status', utf8(status.status))];
  if (status.status === 'replied') entries.push(at('reply', status.reply));
  if (status.status === 'rejected') {
    entries.push(at('reject_code', encodeLeb128(status.rejectCode)), at('reject_message', utf8(status.rejectMessage)));
    if (status.errorCode !== undefined) entries.push(at('error_code', utf8(status.errorCode)));
  }
  return entries;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
