/**
 * The management methods, on decoded Candid values. Who may call what follows the IC: only a
 * canister's controllers manage it (IC0512 otherwise); `canister_status` also answers the
 * canister itself; `canister_info`, `deposit_cycles` and `provisional_top_up_canister` are open
 * to anyone; `fetch_canister_logs` follows the canister's log visibility.
 */
import { Principal } from '@dfinity/principal';
import { Rejects } from '@tincan/abi';
import type { InstallMode, Runtime, SettingsUpdate, StateStore } from '@tincan/runtime';
import type { Change, ChangeOrigin } from './canister-history.js';
import type { ManagementMethodName } from './ic-idl.js';
import { Deferred, ManagementReject } from './management-reject.js';
import {
  DEFAULT_CANISTER_CYCLES,
  snapshotIdBytes,
  snapshotIdNumber,
  type Operations,
} from './operations.js';
import type { SubnetHosting } from '../replica-options.js';
import type { RawRand } from './raw-rand.js';
import { candidChange, canisterStatus, type CandidSettings } from './status.js';
import { bytesEqual } from '@tincan/bytes';

/** What a method sees of the call and the replica. */
export interface MethodContext {
  readonly runtime: Runtime;
  readonly store: StateStore;
  readonly operations: Operations;
  readonly rawRand: RawRand;
  readonly caller: Uint8Array;
  readonly fromCanister: boolean;
  readonly cyclesAttached: bigint;
  /** On one subnet of several: which ids it hosts. */
  readonly hosting?: SubnetHosting;
}

type Opt<T> = [] | [T];
type IdArg = { canister_id: Principal };
type Handler<A> = (ctx: MethodContext, arg: A) => unknown;

/** Who made the call, as the canister history records it. */
function originOf(ctx: MethodContext): ChangeOrigin {
  return ctx.fromCanister
    ? { kind: 'canister', canisterId: ctx.caller }
    : { kind: 'user', userId: ctx.caller };
}

/** The canister's id, once the caller is known to control it (or to be it, with `allowSelf`). */
function controlled(ctx: MethodContext, canister: Principal, allowSelf = false): Uint8Array {
  const id = canister.toUint8Array();
  const { controllers } = ctx.runtime.record(id);
  if (
    controllers.some((c) => bytesEqual(c, ctx.caller)) ||
    (allowSelf && bytesEqual(id, ctx.caller))
  )
    return id;
  const text = (b: Uint8Array): string => Principal.fromUint8Array(b).toText();
  throw new ManagementReject(
    Rejects.notController(canister.toText(), controllers.map(text), text(ctx.caller)),
  );
}

function invalid(message: string): ManagementReject {
  return new ManagementReject(Rejects.invalidManagementPayload(message));
}

/** A `canister_settings` record as a runtime settings update. */
function settingsUpdate(settings: CandidSettings): SettingsUpdate {
  const update: { -readonly [K in keyof SettingsUpdate]: SettingsUpdate[K] } = {};
  const [controllers] = settings.controllers;
  if (controllers !== undefined) {
    if (controllers.length > 10)
      throw invalid(
        `Invalid settings: at most 10 controllers are allowed, got ${controllers.length}`,
      );
    update.controllers = controllers.map((p) => p.toUint8Array());
  }
  const [compute] = settings.compute_allocation;
  if (compute !== undefined) {
    if (compute > 100n)
      throw invalid(
        `Invalid settings: compute_allocation must be a percentage (0..=100), got ${compute}`,
      );
    update.computeAllocationPercent = compute;
  }
  if (settings.memory_allocation[0] !== undefined)
    update.memoryAllocationBytes = settings.memory_allocation[0];
  if (settings.freezing_threshold[0] !== undefined)
    update.freezingThresholdSeconds = settings.freezing_threshold[0];
  if (settings.reserved_cycles_limit[0] !== undefined)
    update.reservedCyclesLimit = settings.reserved_cycles_limit[0];
  if (settings.wasm_memory_limit[0] !== undefined)
    update.wasmMemoryLimitBytes = settings.wasm_memory_limit[0];
  const [visibility] = settings.log_visibility;
  if (visibility !== undefined) {
    if ('allowed_viewers' in visibility)
      throw invalid(
        'Invalid settings: log_visibility allowed_viewers is not supported by tincan; use controllers or public',
      );
    update.logVisibility = 'public' in visibility ? 'public' : 'controllers';
  }
  return update;
}

function createOptions(
  ctx: MethodContext,
  settings: Opt<CandidSettings>,
  cycles: bigint,
  id?: Uint8Array,
): Parameters<Operations['createCanister']>[1] {
  const { controllers, ...rest } = settings[0] === undefined ? {} : settingsUpdate(settings[0]);
  return {
    controllers: controllers ?? [ctx.caller],
    cycles,
    settings: rest,
    ...(id !== undefined && { id }),
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The JavaScript bundle in a `wasm_module`. */
function bundleOf(module: Uint8Array): string {
  if (module.length === 0) throw invalid('Invalid install_code: wasm_module is empty');
  if (module[0] === 0x00 && module[1] === 0x61 && module[2] === 0x73 && module[3] === 0x6d) {
    throw new ManagementReject(Rejects.wasmNotSupported());
  }
  try {
    return decoder.decode(module);
  } catch {
    throw new ManagementReject(Rejects.invalidModule());
  }
}

type InstallModeArg =
  | { install: null }
  | { reinstall: null }
  | {
      upgrade: Opt<{
        skip_pre_upgrade: Opt<boolean>;
        wasm_memory_persistence: Opt<{ keep: null } | { replace: null }>;
      }>;
    };

function installMode(mode: InstallModeArg): InstallMode {
  if ('install' in mode) return 'install';
  if ('reinstall' in mode) return 'reinstall';
  const [flags] = mode.upgrade;
  if (flags?.skip_pre_upgrade[0] === true)
    throw invalid('Invalid install_code: skip_pre_upgrade is not supported by tincan');
  if (
    flags?.wasm_memory_persistence[0] !== undefined &&
    'keep' in flags.wasm_memory_persistence[0]
  ) {
    throw invalid(
      'Invalid install_code: wasm_memory_persistence = keep is not supported: tincan canisters keep state across upgrades in stable structures',
    );
  }
  return 'upgrade';
}

function snapshotNumber(canister: Principal, bytes: Uint8Array, runtime: Runtime): number {
  const n = snapshotIdNumber(bytes);
  if (n === undefined || !runtime.listSnapshots(canister.toUint8Array()).some((s) => s.id === n)) {
    throw new ManagementReject(
      Rejects.snapshotNotFound(Buffer.from(bytes).toString('hex'), canister.toText()),
    );
  }
  return n;
}

function stopped(ctx: MethodContext, canister: Principal, id: Uint8Array, what: string): void {
  if (ctx.runtime.status(id) !== 'stopped') {
    throw new ManagementReject(Rejects.canisterNotStopped(canister.toText(), what));
  }
}

/** Every management method tincan serves. */
// Each handler takes the argument its method's Candid type decodes to; the table is indexed by
// method name, so one element type has to admit them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- per-method argument types
export const HANDLERS: { readonly [M in ManagementMethodName]: Handler<any> } = {
  create_canister: (ctx, arg: { settings: Opt<CandidSettings> }) => ({
    canister_id: principal(
      ctx.operations.createCanister(
        originOf(ctx),
        createOptions(ctx, arg.settings, ctx.cyclesAttached),
      ),
    ),
  }),
  provisional_create_canister_with_cycles: (
    ctx,
    arg: { amount: Opt<bigint>; settings: Opt<CandidSettings>; specified_id: Opt<Principal> },
  ) => {
    const [specified] = arg.specified_id;
    // A subnet creates only ids of its own ranges (the HTTP layer routes a creation whose
    // effective id no subnet hosts to the subnet of its `specified_id`).
    if (
      specified !== undefined &&
      ctx.hosting !== undefined &&
      !ctx.hosting.hosts(specified.toUint8Array())
    )
      throw new ManagementReject(
        Rejects.canisterNotHostedBySubnet(specified.toText(), ctx.hosting.id.toText()),
      );
    return {
      canister_id: principal(
        ctx.operations.createCanister(
          originOf(ctx),
          createOptions(
            ctx,
            arg.settings,
            arg.amount[0] ?? DEFAULT_CANISTER_CYCLES,
            specified?.toUint8Array(),
          ),
        ),
      ),
    };
  },
  install_code: (
    ctx,
    arg: IdArg & { mode: InstallModeArg; wasm_module: Uint8Array; arg: Uint8Array },
  ) => {
    const id = controlled(ctx, arg.canister_id);
    const mode = installMode(arg.mode);
    if (mode === 'install' && ctx.runtime.record(id).module.length > 0) {
      throw new ManagementReject(Rejects.canisterNotEmpty(arg.canister_id.toText()));
    }
    ctx.operations.installCode(
      originOf(ctx),
      id,
      bundleOf(arg.wasm_module),
      new Uint8Array(arg.arg),
      mode,
    );
  },
  uninstall_code: (ctx, arg: IdArg) =>
    ctx.operations.uninstallCode(originOf(ctx), controlled(ctx, arg.canister_id)),
  update_settings: (ctx, arg: IdArg & { settings: CandidSettings }) =>
    ctx.operations.updateSettings(
      originOf(ctx),
      controlled(ctx, arg.canister_id),
      settingsUpdate(arg.settings),
    ),
  canister_status: (ctx, arg: IdArg) =>
    canisterStatus(ctx.runtime, ctx.store, controlled(ctx, arg.canister_id, true)),
  canister_info: (ctx, arg: IdArg & { num_requested_changes: Opt<bigint> }) => {
    const id = arg.canister_id.toUint8Array();
    const record = ctx.runtime.record(id);
    const { total, changes } = ctx.operations.history.read(id);
    const wanted = Number(arg.num_requested_changes[0] ?? 0n);
    const recent: Change[] = wanted === 0 ? [] : changes.slice(-wanted);
    return {
      total_num_changes: total,
      recent_changes: recent.map(candidChange),
      module_hash: record.moduleHash.length > 0 ? [record.moduleHash] : [],
      controllers: record.controllers.map(principal),
    };
  },
  start_canister: (ctx, arg: IdArg) => ctx.runtime.startCanister(controlled(ctx, arg.canister_id)),
  stop_canister: (ctx, arg: IdArg) => {
    const id = controlled(ctx, arg.canister_id);
    return new Deferred<void>((resolve, reject) => {
      ctx.runtime.stopCanister(id, (isStopped) => {
        if (isStopped) resolve();
        else reject(new ManagementReject(Rejects.stopCancelled(arg.canister_id.toText())));
      });
    });
  },
  delete_canister: (ctx, arg: IdArg) => {
    const id = controlled(ctx, arg.canister_id);
    if (bytesEqual(id, ctx.caller))
      throw invalid(`Canister ${arg.canister_id.toText()} cannot delete itself`);
    stopped(ctx, arg.canister_id, id, 'is deleted');
    // As on the IC, the canister's remaining cycles are discarded with it.
    ctx.operations.deleteCanister(id);
  },
  deposit_cycles: (ctx, arg: IdArg) =>
    ctx.runtime.depositCycles(arg.canister_id.toUint8Array(), ctx.cyclesAttached),
  provisional_top_up_canister: (ctx, arg: IdArg & { amount: bigint }) =>
    ctx.runtime.depositCycles(arg.canister_id.toUint8Array(), arg.amount),
  raw_rand: (ctx) => ctx.rawRand.next(),
  take_canister_snapshot: (ctx, arg: IdArg & { replace_snapshot: Opt<Uint8Array> }) => {
    const id = controlled(ctx, arg.canister_id);
    const [replace] = arg.replace_snapshot;
    if (replace !== undefined) {
      const old = snapshotNumber(arg.canister_id, replace, ctx.runtime);
      stopped(ctx, arg.canister_id, id, 'takes a snapshot');
      ctx.runtime.deleteSnapshot(id, old);
    }
    const snapshotId = ctx.runtime.takeSnapshot(id);
    const info = ctx.runtime.listSnapshots(id).find((s) => s.id === snapshotId);
    return {
      id: snapshotIdBytes(snapshotId),
      taken_at_timestamp: info?.takenAtNs ?? 0n,
      total_size: info?.size ?? 0n,
    };
  },
  load_canister_snapshot: (ctx, arg: IdArg & { snapshot_id: Uint8Array }) => {
    const id = controlled(ctx, arg.canister_id);
    ctx.operations.loadSnapshot(
      originOf(ctx),
      id,
      snapshotNumber(arg.canister_id, arg.snapshot_id, ctx.runtime),
    );
  },
  list_canister_snapshots: (ctx, arg: IdArg) =>
    ctx.runtime.listSnapshots(controlled(ctx, arg.canister_id)).map((s) => ({
      id: snapshotIdBytes(s.id),
      taken_at_timestamp: s.takenAtNs,
      total_size: s.size,
    })),
  delete_canister_snapshot: (ctx, arg: IdArg & { snapshot_id: Uint8Array }) => {
    const id = controlled(ctx, arg.canister_id);
    ctx.runtime.deleteSnapshot(id, snapshotNumber(arg.canister_id, arg.snapshot_id, ctx.runtime));
  },
  fetch_canister_logs: (ctx, arg: IdArg) => {
    const id = arg.canister_id.toUint8Array();
    if (ctx.runtime.settings(id).logVisibility !== 'public') controlled(ctx, arg.canister_id);
    const encoder = new TextEncoder();
    return {
      canister_log_records: ctx.runtime.logs(id).map((line) => ({
        idx: BigInt(line.index),
        timestamp_nanos: line.timeNs,
        content: encoder.encode(line.message),
      })),
    };
  },
};

function principal(bytes: Uint8Array): Principal {
  return Principal.fromUint8Array(bytes);
}
