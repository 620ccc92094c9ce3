/**
 * Canister administration that changes which code a canister runs or whether it exists:
 * ICP's create_canister, install_code, uninstall_code and delete_canister. The `Runtime` keeps
 * the public methods and delegates here; its message loop is in runtime-loop.ts.
 * Status changes, snapshots and settings have modules of their own (lifecycle.ts,
 * canister-snapshots.ts, canister-settings.ts).
 */
import type { CertifiedDataRegistry } from '../execution/certified-data.js';
import { Rejects, type CanisterDescription } from '@tincan/abi';
import type { Batch } from '../state/batch.js';
import { CanisterActor } from '../canisters/canister-actor.js';
import {
  DEFAULT_CANISTER_SETTINGS,
  serializeSettings,
  type CanisterSettings,
} from '../cycles/canister-settings.js';
import type { Deadlines } from '../calls/deadlines.js';
import type { Executor } from '../execution/executor.js';
import type { InitArg, InstallMode, Installer } from './installer.js';
import * as lifecycle from './lifecycle.js';
import type { OpenCalls } from '../state/open-calls.js';
import { canisterIdFromIndex, toHex } from '../canisters/principal-ids.js';
import { principalText } from '../canisters/principal-text.js';
import { RuntimeError } from '../runtime-error.js';
import { sharedSourceMap } from '../canisters/source-maps.js';
import type { CanisterRecord, StateStore } from '../state/state-store.js';
import type { TimerQueue } from '../scheduling/timer-table.js';
import type { ModuleTraits } from './module-traits.js';

/** What canister administration needs from the runtime. */
export interface AdminDeps {
  readonly actors: Map<string, CanisterActor>;
  /** The canisters that have timers (kept by their timer tables). */
  readonly timerQueue: TimerQueue<CanisterActor>;
  /** What is known of installed modules without loading them. */
  readonly traits: ModuleTraits;
  readonly store: StateStore;
  readonly executor: Executor;
  readonly batch: Batch;
  readonly installer: Installer;
  readonly deadlines: Deadlines;
  /** Saves what canisters have open at each commit. */
  readonly openCalls: OpenCalls;
  /** Loads a canister's code if needed; returns a load error. */
  readonly ensureLoaded: (actor: CanisterActor) => string | undefined;
  readonly certifiedData: CertifiedDataRegistry;
}

/** How a canister is created: its controllers, and optionally cycles, settings and a specified id. */
export interface CreateOptions {
  readonly controllers: readonly Uint8Array[];
  readonly cycles?: bigint;
  readonly settings?: Partial<CanisterSettings>;
  readonly id?: Uint8Array;
}

/**
 * The index of the next canister to create, after `lastIndex`. Throws if `id`, a specified id,
 * is taken. Allocated ids skip any id that was specified earlier: an id is never reused.
 */
export function nextCanisterIndex(
  actors: ReadonlyMap<string, CanisterActor>,
  lastIndex: number,
  id: Uint8Array | undefined,
): number {
  if (id !== undefined && actors.has(toHex(id))) {
    throw new RuntimeError('ERR_INVALID_ARGUMENT', `canister ${principalText(id)} already exists`);
  }
  let index = lastIndex;
  do index++;
  while (actors.has(toHex(canisterIdFromIndex(index))));
  return index;
}

/** Creates an empty canister at `index` (from {@link nextCanisterIndex}) and returns its id. */
export function createCanister(deps: AdminDeps, index: number, options: CreateOptions): Uint8Array {
  const record: CanisterRecord = {
    id: options.id ?? canisterIdFromIndex(index),
    index,
    module: new Uint8Array(),
    moduleHash: new Uint8Array(),
    candid: '',
    controllers: options.controllers,
    status: 'running',
    version: 0n,
    cycles: options.cycles ?? 0n,
    settingsJson: serializeSettings({ ...DEFAULT_CANISTER_SETTINGS, ...options.settings }),
  };
  deps.store.putCanister(record);
  deps.actors.set(toHex(record.id), new CanisterActor(record, deps.timerQueue));
  return record.id;
}

/** ICP's `install_code` in `mode`, after checking the canister's code and open contexts allow it. */
export function installCode(
  deps: AdminDeps,
  actor: CanisterActor,
  bundle: string,
  arg: InitArg,
  mode: InstallMode,
  sourceMap: string | undefined,
): CanisterDescription {
  const text = principalText(actor.record.id);
  const installed = actor.record.module.length > 0;
  if (mode === 'install' && installed)
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${text} already has code installed; upgrade or reinstall it`,
    );
  if (mode !== 'install' && !installed)
    throw new RuntimeError('ERR_CANISTER_EMPTY', `canister ${text} has no code to ${mode}`);
  // An upgrade runs the old code's @preUpgrade, so the old code must be loaded.
  if (mode === 'upgrade') deps.ensureLoaded(actor);
  // Callbacks of open calls are closures of the old code: they cannot survive new code.
  if (actor.contexts.size > 0)
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      `canister ${text} has ${actor.contexts.size} open call context(s); wait for them before you ${mode}`,
    );
  const description = deps.installer.install(actor, bundle, arg, mode);
  deps.traits.record(actor.record.moduleHash, description);
  actor.sourceMap =
    sourceMap === undefined || sourceMap === '' ? undefined : sharedSourceMap(sourceMap);
  return description;
}

/** Loads a bundle into a throwaway actor and returns its methods and Candid interface. */
export function inspectBundle(installer: Installer, bundle: string): CanisterDescription {
  const probe = new CanisterActor({
    id: new Uint8Array([0xff]),
    index: 0,
    module: new Uint8Array(),
    moduleHash: new Uint8Array(),
    candid: '',
    controllers: [],
    status: 'running',
    version: 0n,
    cycles: 0n,
    settingsJson: '{}',
  });
  return installer.inspect(probe, bundle);
}

/** ICP's `delete_canister`: only a stopped canister; its state and pending deadlines are gone. */
export function deleteCanister(deps: AdminDeps, actor: CanisterActor): void {
  lifecycle.assertDeletable(actor);
  deps.store.deleteCanister(actor.record.id);
  deps.actors.delete(actor.key);
  actor.timers.clear();
  deps.deadlines.forget(actor.key);
}

/** ICP's `uninstall_code`: rejects every open call context, then removes code, heap, stable maps and timers. */
export function uninstallCode(deps: AdminDeps, actor: CanisterActor): void {
  const text = principalText(actor.record.id);
  for (const ctx of [...actor.contexts.values()]) {
    deps.executor.answer(actor, ctx, { reject: Rejects.canisterUninstalled(text) });
  }
  actor.contexts.clear();
  actor.callbacks.clear();
  deps.deadlines.forget(actor.key);
  deps.store.begin();
  deps.store.clearHeap(actor.record.id);
  deps.store.clearStable(actor.record.id);
  actor.record = {
    ...actor.record,
    module: new Uint8Array(),
    moduleHash: new Uint8Array(),
    candid: '',
    version: actor.record.version + 1n,
  };
  deps.store.putCanister(actor.record);
  actor.timers.clear();
  // Nothing is open any more: the saved open calls go in the same commit.
  deps.openCalls.touch(actor);
  deps.certifiedData.set(actor, new Uint8Array(0));
  deps.batch.commit();
  actor.sandbox = undefined;
  actor.sourceMap = undefined;
  actor.setDescription(undefined);
  lifecycle.settleStopping(actor, deps.store);
}
