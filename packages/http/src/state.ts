/**
 * The certified state the HTTP interface serves: `/time`, the status of ingress messages
 * (`/request_status`), the one subnet with its node key and canister ranges, and per-canister
 * `module_hash`, `controllers` and public `candid:service` metadata.
 *
 * The tree is kept incrementally and certified in rounds (see {@link CertificationRounds}):
 * one BLS signature per round over the root hash, and every response is the last signed tree
 * pruned to the requested paths (pruning keeps the root hash, so the one signature stays
 * valid). A lone subnet has no delegation: the root key is the subnet key, so the subnet id is
 * the root key's self-authenticating principal. One subnet of several (`options.subnet`) signs
 * with its own key and attaches the root's delegation to every certificate.
 */
import { Principal } from '@dfinity/principal';
import {
  LabelIndex,
  balancedForks,
  buildTree,
  createTreeHasher,
  encodeCbor,
  encodeCertificate,
  encodeLeb128,
  labeled,
  leaf,
  prune,
  utf8,
  type HashTree,
  type LabeledTree,
  type Delegation,
  type RootKey,
  type TreeEntry,
} from '@tincan/certification';
import type { Replica } from '@tincan/replica';
import { CertificationRounds, type SignedTree } from './rounds.js';
import { RootSigner } from './root-signer.js';
import type { NodeKey } from './node-key.js';
import { toHex } from '@tincan/bytes';

/** The status of an ingress message, as `/request_status/<id>` certifies it. */
export type RequestStatus =
  | { readonly status: 'processing' }
  | { readonly status: 'replied'; readonly reply: Uint8Array }
  | {
      readonly status: 'rejected';
      readonly rejectCode: number;
      readonly rejectMessage: string;
      readonly errorCode?: string;
    };

interface StatusRecord {
  status: RequestStatus;
  /** The round change that recorded `status`: it is certified once that change is. */
  seq: number;
  readonly requestId: Uint8Array;
  readonly sender: Uint8Array;
  readonly expiresNs: bigint;
}

type CanisterRecord = ReturnType<Replica['runtime']['canisters']>[number];

/** Ingress statuses are kept this long past the message's expiry, as the IC keeps them. */
const STATUS_RETENTION_NS = 5n * 60n * 1_000_000_000n;
/** Bound on remembered statuses, oldest dropped first (older ones are looked up in the store). */
export const MAX_STATUSES = 10_000;

/** Lowest and highest canister id a local subnet hosts: every opaque id (class 0x01). */
const RANGE_LOW = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
const RANGE_HIGH = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 1);

/** Options of {@link CertifiedState}. */
export interface CertifiedStateOptions {
  readonly replica: Replica;
  readonly rootKey: RootKey;
  readonly nodeKey: NodeKey;
  /** Replica time in ns: the certified `/time` of each round and the clock of status expiry. */
  readonly nowNs: () => bigint;
  /** Longest wait after a round for the next one to fill up, in ms (see {@link CertificationRounds}). */
  readonly fillWaitMs?: number;
  /**
   * One subnet of several: the tree is signed with the subnet's own key, certifies the
   * subnet's ranges, and every certificate carries the root's `delegation` (none for the root
   * subnet). Unset: the replica is the one subnet, signed with the root key.
   */
  readonly subnet?: {
    readonly key: RootKey;
    readonly ranges: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
    readonly delegation: Delegation | undefined;
  };
}

/** Request statuses plus the replica's canisters, certified once per round. */
export class CertifiedState {
  readonly subnetId: Principal;
  readonly #options: CertifiedStateOptions;
  readonly #statuses = new Map<string, StatusRecord>();
  readonly #requestStatus = new LabelIndex();
  readonly #hasher = createTreeHasher();
  readonly #fixed: LabeledTree[];
  readonly #rounds: CertificationRounds;
  readonly #signer: RootSigner;
  #canisterRecords: readonly CanisterRecord[] = [];
  /** The runtime's certified-data version the `canister` subtree was built with. */
  #certifiedDataVersion = -1;
  /** Data certificates pruned from one signed tree, by canister (hex); see {@link dataCertificate}. */
  #dataCertificates: { tree: HashTree; byCanister: Map<string, Uint8Array> } | undefined;
  #canisterNode: LabeledTree | undefined;
  /** The round change that includes the current canister records. */
  #canisterSeq = 0;
  /** The root's delegation to this subnet, carried by every certificate; none on the root subnet. */
  readonly #delegation: Delegation | undefined;

  constructor(options: CertifiedStateOptions) {
    this.#options = options;
    const { nodeKey } = options;
    const rootKey = options.subnet?.key ?? options.rootKey;
    this.#delegation = options.subnet?.delegation;
    this.subnetId = Principal.selfAuthenticating(rootKey.derPublicKey);
    const subnet = this.subnetId.toUint8Array();
    const rangeList = options.subnet?.ranges ?? [[RANGE_LOW, RANGE_HIGH]];
    const ranges = encodeCbor(rangeList.map(([low, high]) => [low, high]));
    this.#fixed = [
      labeled(
        'canister_ranges',
        buildTree(rangeList.map(([low, high]) => [[subnet, low], encodeCbor([[low, high]])])),
      ),
      labeled(
        'subnet',
        buildTree([
          [[subnet, utf8('public_key')], rootKey.derPublicKey],
          [[subnet, utf8('canister_ranges')], ranges],
          [
            [subnet, utf8('node'), nodeKey.nodeId.toUint8Array(), utf8('public_key')],
            nodeKey.derPublicKey,
          ],
        ]),
      ),
    ];
    this.#signer = new RootSigner(rootKey.secretKey);
    this.#rounds = new CertificationRounds({
      nowNs: options.nowNs,
      build: (timeNs) => this.#tree(timeNs),
      hash: this.#hasher,
      sign: (rootHash) => this.#signer.sign(rootHash),
      ...(options.fillWaitMs !== undefined && { fillWaitMs: options.fillWaitMs }),
    });
  }

  /** Whether a canister with this id exists. */
  hasCanister(id: Uint8Array): boolean {
    return this.#options.replica.runtime.hasCanister(id);
  }

  /** The recorded status of a request, if any. */
  status(requestId: Uint8Array): { status: RequestStatus; sender: Uint8Array } | undefined {
    return this.#statuses.get(toHex(requestId));
  }

  /** Records (or updates) the status of a request; the next round certifies it. */
  setStatus(
    requestId: Uint8Array,
    sender: Uint8Array,
    expiryNs: bigint,
    status: RequestStatus,
  ): void {
    const key = toHex(requestId);
    this.#requestStatus.set(requestId, statusTree(status));
    // Nobody waits for `processing` to be certified: it rides along with the next round.
    const seq = this.#rounds.changed(status.status !== 'processing');
    const existing = this.#statuses.get(key);
    if (existing !== undefined) {
      existing.status = status;
      existing.seq = seq;
    } else {
      this.#expire();
      this.#statuses.set(key, {
        status,
        seq,
        requestId,
        sender,
        expiresNs: expiryNs + STATUS_RETENTION_NS,
      });
    }
  }

  /** Resolves once a signed round includes the current status of `requestId` (every status, without one). */
  certified(requestId?: Uint8Array): Promise<void> {
    const record = requestId === undefined ? undefined : this.#statuses.get(toHex(requestId));
    return this.#rounds.certified(record?.seq);
  }

  /**
   * A certificate (CBOR) over `/time` and `paths`: the last signed tree pruned to them. A
   * round runs first if none has, if the canisters changed since, or if the last one is
   * older than a second (so certified time stays close to replica time).
   */
  async certify(paths: ReadonlyArray<ReadonlyArray<Uint8Array>>): Promise<Uint8Array> {
    const signed = await this.current();
    return encodeCertificate({
      tree: prune(signed.tree, [[utf8('time')], ...paths], this.#hasher),
      signature: signed.signature,
      ...this.#delegated(),
    });
  }

  /**
   * The last signed tree, once it includes the canisters as they are now (their certified
   * data too) and is at most a second old. Queries wait for it, so that the data certificate
   * they may read ({@link dataCertificate}) certifies the state they run on.
   */
  async current(): Promise<SignedTree> {
    if (this.#canistersChanged()) this.#canisterSeq = this.#rounds.changed();
    await this.#rounds.certified(this.#canisterSeq);
    return this.#rounds.latest();
  }

  /**
   * ICP's data certificate of a non-replicated query: the last signed tree pruned to `/time`
   * and `/canister/<id>/certified_data`. Synchronous (a query cannot wait); callers await
   * {@link current} before they run the query.
   */
  dataCertificate(canisterId: Uint8Array): Uint8Array | undefined {
    const signed = this.#rounds.lastSigned;
    if (signed === undefined) return undefined;
    if (this.#dataCertificates?.tree !== signed.tree)
      this.#dataCertificates = { tree: signed.tree, byCanister: new Map() };
    const key = toHex(canisterId);
    let certificate = this.#dataCertificates.byCanister.get(key);
    if (certificate === undefined) {
      const paths = [[utf8('time')], [utf8('canister'), canisterId, utf8('certified_data')]];
      certificate = encodeCertificate({
        tree: prune(signed.tree, paths, this.#hasher),
        signature: signed.signature,
        ...this.#delegated(),
      });
      this.#dataCertificates.byCanister.set(key, certificate);
    }
    return certificate;
  }

  #delegated(): { delegation?: Delegation } {
    return this.#delegation === undefined ? {} : { delegation: this.#delegation };
  }

  /** Stops scheduling rounds and the signing worker; callers still waiting get a 503. */
  async close(): Promise<void> {
    this.#rounds.close();
    await this.#signer.close();
  }

  #tree(timeNs: bigint): HashTree {
    // The round being built includes the canister records as they are now.
    if (this.#canistersChanged()) this.#canisterSeq = this.#rounds.lastChange;
    const statuses =
      this.#requestStatus.size > 0
        ? labeled('request_status', this.#requestStatus.tree())
        : undefined;
    const [ranges, subnet] = this.#fixed as [LabeledTree, LabeledTree];
    // Top-level labels in byte order: canister < canister_ranges < request_status < subnet < time.
    const nodes = [
      this.#canisterNode,
      ranges,
      statuses,
      subnet,
      labeled('time', leaf(encodeLeb128(timeNs))),
    ];
    return balancedForks(nodes.filter((node): node is LabeledTree => node !== undefined));
  }

  /** Rebuilds the `canister` subtree when a canister record changed; returns whether one did. */
  #canistersChanged(): boolean {
    const runtime = this.#options.replica.runtime;
    const records = runtime.canisters();
    const known = this.#canisterRecords;
    const version = runtime.certifiedDataVersion;
    if (
      version === this.#certifiedDataVersion &&
      records.length === known.length &&
      records.every((record, i) => record === known[i])
    )
      return false;
    this.#canisterRecords = records;
    this.#certifiedDataVersion = version;
    const entries: TreeEntry[] = [];
    for (const record of records) {
      entries.push([[record.id, utf8('certified_data')], runtime.certifiedData(record.id)]);
      entries.push([[record.id, utf8('controllers')], encodeCbor(record.controllers)]);
      if (record.moduleHash.length > 0)
        entries.push([[record.id, utf8('module_hash')], record.moduleHash]);
      if (record.candid !== '')
        entries.push([[record.id, utf8('metadata'), utf8('candid:service')], utf8(record.candid)]);
    }
    this.#canisterNode = entries.length === 0 ? undefined : labeled('canister', buildTree(entries));
    return true;
  }

  #expire(): void {
    const now = this.#options.nowNs();
    for (const [key, record] of this.#statuses) {
      if (record.expiresNs >= now && this.#statuses.size < MAX_STATUSES) break;
      this.#statuses.delete(key);
      this.#requestStatus.delete(record.requestId);
    }
  }
}

function statusTree(status: RequestStatus): HashTree {
  const entries: TreeEntry[] = [[[utf8('status')], utf8(status.status)]];
  if (status.status === 'replied') entries.push([[utf8('reply')], status.reply]);
  if (status.status === 'rejected') {
    entries.push(
      [[utf8('reject_code')], encodeLeb128(status.rejectCode)],
      [[utf8('reject_message')], utf8(status.rejectMessage)],
    );
    if (status.errorCode !== undefined)
      entries.push([[utf8('error_code')], utf8(status.errorCode)]);
  }
  return buildTree(entries);
}
