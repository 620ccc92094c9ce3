/**
 * Canister history, as `canister_info` reports it: every creation, code deployment, code
 * uninstall, controllers change and snapshot load, with the time, the canister version after
 * it and who caused it. Kept in the replica's metadata so it survives restarts; the IC keeps
 * the 20 most recent changes and the total count.
 */
import type { StateStore } from '@tincan/runtime';

/** Who caused a change. */
export type ChangeOrigin =
  | { readonly kind: 'user'; readonly userId: Uint8Array }
  | {
      readonly kind: 'canister';
      readonly canisterId: Uint8Array;
      readonly canisterVersion?: bigint;
    };

/** What changed. */
export type ChangeDetails =
  | { readonly kind: 'creation'; readonly controllers: readonly Uint8Array[] }
  | { readonly kind: 'code_uninstall' }
  | {
      readonly kind: 'code_deployment';
      readonly mode: 'install' | 'reinstall' | 'upgrade';
      readonly moduleHash: Uint8Array;
    }
  | {
      readonly kind: 'load_snapshot';
      readonly canisterVersion: bigint;
      readonly snapshotId: Uint8Array;
      readonly takenAtNs: bigint;
    }
  | { readonly kind: 'controllers_change'; readonly controllers: readonly Uint8Array[] };

/** One entry of a canister's history. */
export interface Change {
  readonly timestampNs: bigint;
  /** The canister's version after the change. */
  readonly canisterVersion: bigint;
  readonly origin: ChangeOrigin;
  readonly details: ChangeDetails;
}

/** Changes the IC keeps per canister. */
export const MAX_RECENT_CHANGES = 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Per-canister change histories in the store's metadata. */
export class CanisterHistory {
  readonly #store: StateStore;

  constructor(store: StateStore) {
    this.#store = store;
  }

  /** Appends a change, keeping the most recent {@link MAX_RECENT_CHANGES}. */
  record(canisterId: Uint8Array, change: Change): void {
    const { total, changes } = this.read(canisterId);
    const kept = [...changes, change].slice(-MAX_RECENT_CHANGES);
    this.#store.putMeta(
      key(canisterId),
      encoder.encode(JSON.stringify({ total: (total + 1n).toString(), changes: kept }, toJson)),
    );
  }

  /** The total number of changes ever made, and the most recent ones, oldest first. */
  read(canisterId: Uint8Array): { total: bigint; changes: Change[] } {
    const bytes = this.#store.getMeta(key(canisterId));
    if (bytes === undefined) return { total: 0n, changes: [] };
    const raw = JSON.parse(decoder.decode(bytes), fromJson) as { total: string; changes: Change[] };
    return { total: BigInt(raw.total), changes: raw.changes };
  }

  /** Forgets a deleted canister's history. */
  delete(canisterId: Uint8Array): void {
    this.#store.putMeta(
      key(canisterId),
      encoder.encode(JSON.stringify({ total: '0', changes: [] })),
    );
  }
}

function key(canisterId: Uint8Array): string {
  return `canister_history:${Buffer.from(canisterId).toString('hex')}`;
}

/** JSON has neither bigints nor byte arrays: tag them. */
function toJson(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { $n: value.toString() };
  if (value instanceof Uint8Array) return { $b: Buffer.from(value).toString('hex') };
  // A Buffer (a hash digest, say) has turned itself into JSON before the replacer sees it.
  if (isBufferJson(value)) return { $b: Buffer.from(value.data).toString('hex') };
  return value;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data)
  );
}

function fromJson(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    if ('$n' in value && typeof value.$n === 'string') return BigInt(value.$n);
    if ('$b' in value && typeof value.$b === 'string')
      return new Uint8Array(Buffer.from(value.$b, 'hex'));
  }
  return value;
}
