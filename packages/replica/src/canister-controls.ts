/**
 * What a replica's owner does to its canisters, in process: create and install code, stop and
 * start, delete and uninstall, snapshots, status, cycles, settings and logs. `Replica` extends
 * this class. Operations that ICP's management canister records act as the canister's first
 * controller.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { CallRejectedError } from '@tincan/abi';
import { parseDid } from '@tincan/candid';
import type { CanisterSettings, InstallMode, Runtime, SnapshotInfo } from '@tincan/runtime';
import { principalOf, type IdentityLike } from './actor.js';
import type { Driver } from './driver.js';
import type { ChangeOrigin } from './management/canister-history.js';
import { decodeLogs, fetchLogsArg, type CanisterLogRecord } from './management/fetch-logs.js';
import type { ManagementCanister } from './management/management-canister.js';
import { DEFAULT_CANISTER_CYCLES } from './management/operations.js';
import { ReplicaError } from './replica-error.js';
import type { CanisterHandle, DeployOptions } from './replica-options.js';

/** A replica's canister controls, on its runtime, management canister and driver. */
export abstract class CanisterControls {
  readonly runtime: Runtime;
  readonly #management: ManagementCanister;
  readonly #driver: Driver;

  protected constructor(runtime: Runtime, management: ManagementCanister, driver: Driver) {
    this.runtime = runtime;
    this.#management = management;
    this.#driver = driver;
  }

  /** Throws if the replica is closed. */
  protected abstract assertOpen(): void;

  /** Creates a canister and installs an already bundled module. */
  install(bundle: string, options: DeployOptions = {}): CanisterHandle {
    return this.createAndInstall(bundle, options);
  }

  /** Creates a canister and installs `bundle` in it. */
  protected createAndInstall(
    bundle: string,
    options: DeployOptions,
    sourceMap?: string,
  ): CanisterHandle {
    this.assertOpen();
    const controllers = (options.controllers ?? [Principal.anonymous()]).map((p) =>
      p.toUint8Array(),
    );
    const created = this.#management.operations.createCanister(userOrigin(controllers), {
      controllers,
      cycles: options.cycles ?? DEFAULT_CANISTER_CYCLES,
      ...(options.settings !== undefined && { settings: options.settings }),
    });
    return this.installCode(
      Principal.fromUint8Array(created),
      bundle,
      'install',
      options.initArgs,
      sourceMap,
    );
  }

  /** Installs, upgrades or reinstalls `bundle`, its init arguments encoded by its own Candid. */
  protected installCode(
    id: Principal,
    bundle: string,
    mode: InstallMode,
    args: unknown[] | undefined,
    sourceMap?: string,
  ): CanisterHandle {
    const description = this.#management.operations.installCode(
      this.#origin(id),
      id.toUint8Array(),
      bundle,
      (desc) => new Uint8Array(IDL.encode(parseDid(desc.candid).initArgs ?? [], args ?? [])),
      mode,
      sourceMap,
    );
    return { id, candid: description.candid };
  }

  /**
   * Stops a canister: new calls to it are rejected at once, and this resolves when the calls
   * it is still in (its open call contexts) have finished and it is stopped.
   */
  async stop(canister: CanisterHandle | Principal): Promise<void> {
    this.assertOpen();
    const id = idOf(canister).toUint8Array();
    while (this.runtime.stopCanister(id) !== 'stopped') {
      if (this.runtime.pendingCount === 0) {
        throw new ReplicaError(
          'ERR_INVALID_ARGUMENT',
          `canister ${idOf(canister).toText()} stays stopping: its open calls wait on nothing that is queued`,
        );
      }
      await this.#driver.idle();
    }
  }

  /** Starts a stopped (or stopping) canister again. */
  start(canister: CanisterHandle | Principal): void {
    this.assertOpen();
    this.runtime.startCanister(idOf(canister).toUint8Array());
    // Pending stop_canister calls are answered now (cancelled): let their callers run.
    this.#driver.wake();
  }

  /** Deletes a stopped canister with all its state. */
  delete(canister: CanisterHandle | Principal): void {
    this.assertOpen();
    this.#management.operations.deleteCanister(idOf(canister).toUint8Array());
  }

  /** Removes a canister's code and state; its open calls are rejected. */
  uninstall(canister: CanisterHandle | Principal): void {
    this.assertOpen();
    this.#management.operations.uninstallCode(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
    );
    this.#driver.wake();
  }

  /** Takes a snapshot of a stopped canister (at most 10): its code, heap and stable maps. */
  takeSnapshot(canister: CanisterHandle | Principal): number {
    this.assertOpen();
    return this.runtime.takeSnapshot(idOf(canister).toUint8Array());
  }

  /** Puts a stopped canister back exactly as it was when the snapshot was taken. */
  loadSnapshot(canister: CanisterHandle | Principal, snapshotId: number): void {
    this.assertOpen();
    this.#management.operations.loadSnapshot(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
      snapshotId,
    );
  }

  /** A canister's snapshots, oldest first. */
  listSnapshots(canister: CanisterHandle | Principal): SnapshotInfo[] {
    return this.runtime.listSnapshots(idOf(canister).toUint8Array());
  }

  /** Deletes a snapshot. */
  deleteSnapshot(canister: CanisterHandle | Principal, snapshotId: number): void {
    this.assertOpen();
    this.runtime.deleteSnapshot(idOf(canister).toUint8Array(), snapshotId);
  }

  /** A canister's status: `running`, `stopping` or `stopped`. */
  status(canister: CanisterHandle | Principal): 'running' | 'stopping' | 'stopped' {
    return this.runtime.status(idOf(canister).toUint8Array());
  }

  /** A canister's cycle balance. */
  cycleBalance(canister: CanisterHandle | Principal): bigint {
    return this.runtime.cycleBalance(idOf(canister).toUint8Array());
  }

  /** Adds cycles to a canister's balance (`provisional_top_up_canister`). */
  depositCycles(canister: CanisterHandle | Principal, amount: bigint): void {
    this.assertOpen();
    this.runtime.depositCycles(idOf(canister).toUint8Array(), amount);
  }

  /** A canister's settings (freezing threshold, allocations, limits, log visibility). */
  settings(
    canister: CanisterHandle | Principal,
  ): CanisterSettings & { readonly controllers: Principal[] } {
    const id = idOf(canister).toUint8Array();
    return {
      ...this.runtime.settings(id),
      controllers: this.runtime.record(id).controllers.map((c) => Principal.fromUint8Array(c)),
    };
  }

  /** ICP's `update_settings`: changes any subset of the settings and the controllers. */
  updateSettings(
    canister: CanisterHandle | Principal,
    update: Partial<CanisterSettings> & { controllers?: readonly Principal[] },
  ): void {
    this.assertOpen();
    const { controllers, ...rest } = update;
    this.#management.operations.updateSettings(
      this.#origin(idOf(canister)),
      idOf(canister).toUint8Array(),
      {
        ...rest,
        ...(controllers !== undefined && { controllers: controllers.map((c) => c.toUint8Array()) }),
      },
    );
  }

  /**
   * ICP's `fetch_canister_logs`, as `caller` (by default the canister's first controller): the
   * log records with index, time and text. Throws `CallRejectedError` when the caller may not read
   * the log (only controllers may, unless its log visibility is public).
   */
  async fetchLogs(
    canister: CanisterHandle | Principal,
    options: { identity?: IdentityLike } = {},
  ): Promise<CanisterLogRecord[]> {
    this.assertOpen();
    const id = idOf(canister);
    const caller =
      options.identity !== undefined
        ? principalOf(options.identity)
        : Principal.fromUint8Array(
            this.runtime.record(id.toUint8Array()).controllers[0] ?? new Uint8Array([4]),
          );
    const outcome = this.runtime.query({
      canisterId: Principal.managementCanister().toUint8Array(),
      method: 'fetch_canister_logs',
      arg: fetchLogsArg(id),
      caller: caller.toUint8Array(),
    });
    if ('reject' in outcome)
      throw new CallRejectedError("call to 'fetch_canister_logs'", outcome.reject);
    return decodeLogs(outcome.reply);
  }

  /** In-process operations act as the canister's first controller (anonymous if it has none). */
  #origin(canister: Principal): ChangeOrigin {
    return userOrigin(this.runtime.record(canister.toUint8Array()).controllers);
  }
}

function userOrigin(controllers: readonly Uint8Array[]): ChangeOrigin {
  return { kind: 'user', userId: controllers[0] ?? new Uint8Array([4]) };
}

/** The principal of a canister handle (or the principal itself). */
export function idOf(canister: CanisterHandle | Principal): Principal {
  return 'candid' in canister ? canister.id : canister;
}
