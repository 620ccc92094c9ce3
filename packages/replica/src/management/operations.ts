/**
 * The management operations that change a canister's history, shared by the management
 * canister (Candid, over HTTP and from canisters) and the in-process `Replica` API, so both
 * leave the same trace in `canister_info`.
 */
import type { CanisterDescription } from '@tincan/abi';
import type {
  CanisterSettings,
  InitArg,
  InstallMode,
  Runtime,
  SettingsUpdate,
  StateStore,
} from '@tincan/runtime';
import { CanisterHistory, type ChangeOrigin } from './canister-history.js';

/** Cycles a canister gets when none are asked for: 100T, like a local dfx or PocketIC canister. */
export const DEFAULT_CANISTER_CYCLES = 100_000_000_000_000n;

/** Options of {@link Operations.createCanister}. */
export interface CreateOptions {
  readonly controllers: readonly Uint8Array[];
  readonly cycles: bigint;
  readonly settings?: Partial<CanisterSettings>;
  /** A specific id (`provisional_create_canister_with_cycles`'s `specified_id`). */
  readonly id?: Uint8Array;
}

/** History-keeping management operations over a runtime. */
export class Operations {
  readonly history: CanisterHistory;
  readonly #runtime: () => Runtime;
  readonly #nowNs: () => bigint;

  constructor(store: StateStore, runtime: () => Runtime, nowNs: () => bigint) {
    this.history = new CanisterHistory(store);
    this.#runtime = runtime;
    this.#nowNs = nowNs;
  }

  /** Creates an empty canister; records its creation. */
  createCanister(origin: ChangeOrigin, options: CreateOptions): Uint8Array {
    const id = this.#runtime().createCanister(options);
    this.#record(id, origin, { kind: 'creation', controllers: options.controllers });
    return id;
  }

  /** Installs, reinstalls or upgrades code; records the deployment. */
  installCode(
    origin: ChangeOrigin,
    id: Uint8Array,
    bundle: string,
    arg: InitArg,
    mode: InstallMode,
    sourceMap?: string,
  ): CanisterDescription {
    const description = this.#runtime().installCode(id, bundle, arg, mode, sourceMap);
    this.#record(id, origin, {
      kind: 'code_deployment',
      mode,
      moduleHash: this.#runtime().record(id).moduleHash,
    });
    return description;
  }

  /** Removes code and state; records the uninstall. */
  uninstallCode(origin: ChangeOrigin, id: Uint8Array): void {
    this.#runtime().uninstallCode(id);
    this.#record(id, origin, { kind: 'code_uninstall' });
  }

  /** Changes settings; records a controllers change when the controllers are set. */
  updateSettings(origin: ChangeOrigin, id: Uint8Array, update: SettingsUpdate): void {
    this.#runtime().updateSettings(id, update);
    if (update.controllers !== undefined)
      this.#record(id, origin, { kind: 'controllers_change', controllers: update.controllers });
  }

  /** Loads a snapshot; records it. */
  loadSnapshot(origin: ChangeOrigin, id: Uint8Array, snapshotId: number): void {
    const runtime = this.#runtime();
    const taken = runtime.listSnapshots(id).find((s) => s.id === snapshotId);
    const versionBefore = runtime.record(id).version;
    runtime.loadSnapshot(id, snapshotId);
    this.#record(id, origin, {
      kind: 'load_snapshot',
      canisterVersion: versionBefore,
      snapshotId: snapshotIdBytes(snapshotId),
      takenAtNs: taken?.takenAtNs ?? 0n,
    });
  }

  /** Deletes a stopped canister and its history. */
  deleteCanister(id: Uint8Array): void {
    this.#runtime().deleteCanister(id);
    this.history.delete(id);
  }

  #record(
    id: Uint8Array,
    origin: ChangeOrigin,
    details: Parameters<CanisterHistory['record']>[1]['details'],
  ): void {
    this.history.record(id, {
      timestampNs: this.#nowNs(),
      canisterVersion: this.#runtime().record(id).version,
      origin,
      details,
    });
  }
}

/** A snapshot id as the management canister's `blob`: the canister-local number, 8 bytes big-endian. */
export function snapshotIdBytes(snapshotId: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(snapshotId));
  return bytes;
}

/** The snapshot number in a snapshot id blob, or undefined if it is not one of ours. */
export function snapshotIdNumber(bytes: Uint8Array): number | undefined {
  if (bytes.length !== 8) return undefined;
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(n);
}
