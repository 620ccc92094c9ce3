/**
 * Opening a replica: the SQLite store (in a state directory or in memory), the seed kept in it,
 * the clock (the wall clock with a stored offset by default), the management canister, traces
 * and the runtime wired to them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Principal } from '@dfinity/principal';
import { prepareCanisterModule } from '@tincan/bundler';
import { Runtime, type Clock, type LogLine, type StateStore } from '@tincan/runtime';
import { openSqliteStore } from '@tincan/storage-sqlite';
import { processGuard } from '@tincan/watchdog';
import { loadKernel } from './kernel-cache.js';
import { LiveClock } from './live-clock.js';
import { ManagementCanister } from './management/management-canister.js';
import { ReplicaError } from './replica-error.js';
import { DEFAULT_WALL_CLOCK_LIMITS, type ReplicaOptions } from './replica-options.js';
import { Traces } from './traces/traces.js';

/** Store meta key of the default clock's offset (ns ahead of the host's clock, decimal). */
export const CLOCK_OFFSET_KEY = 'live-clock-offset-ns';
/** Canisters kept loaded by default; idle ones past it hibernate (see ReplicaOptions). */
const DEFAULT_MAX_LOADED_CANISTERS = 1_000;

/** What an open replica is made of. */
export interface ReplicaParts {
  readonly runtime: Runtime;
  readonly clock: Clock;
  readonly store: StateStore;
  readonly management: ManagementCanister;
  readonly traces: Traces | undefined;
}

/** Opens a replica's parts; on an existing state directory, every canister comes back as committed. */
export async function openReplicaParts(options: ReplicaOptions): Promise<ReplicaParts> {
  const kernel = await loadKernel();
  if (options.stateDir !== undefined) mkdirSync(options.stateDir, { recursive: true });
  const from = options.fromCheckpoint !== undefined ? { from: options.fromCheckpoint } : {};
  const store =
    options.stateDir === undefined
      ? openSqliteStore({ memory: true, ...from })
      : openSqliteStore({ path: path.join(options.stateDir, 'replica.sqlite'), ...from });
  let seed = store.getMeta('seed');
  if (seed === undefined) {
    seed = options.seed ?? new Uint8Array(randomBytes(32));
    store.putMeta('seed', seed);
  }
  // On the wall clock by default, with an offset `advanceTime` can raise; the offset is kept
  // in the store, so a reopened replica's time does not jump back.
  const offset = store.getMeta(CLOCK_OFFSET_KEY);
  const clock =
    options.clock ??
    new LiveClock(offset === undefined ? 0n : BigInt(new TextDecoder().decode(offset)));
  const management = new ManagementCanister({
    store,
    seed,
    nowNs: () => clock.nowNs(),
    ...(options.subnetHosting !== undefined && { hosting: options.subnetHosting }),
  });
  const traces =
    options.traces === undefined || options.traces === false
      ? undefined
      : new Traces(options.stateDir, options.traces === true ? {} : options.traces);
  const runtime = Runtime.open({
    store,
    systemCanister: management,
    kernel,
    prepareModule: options.prepareModule ?? prepareCanisterModule,
    seed,
    clock,
    ...(options.scheduler !== undefined && { scheduler: options.scheduler }),
    ...wallClockOption(options.wallClockLimits),
    ...(options.heapLimitBytes !== undefined && { heapLimitBytes: options.heapLimitBytes }),
    // Idle canisters past this many unload (hibernation); `Infinity` keeps them all.
    ...(Number.isFinite(options.maxLoadedCanisters ?? DEFAULT_MAX_LOADED_CANISTERS) && {
      maxLoadedCanisters: options.maxLoadedCanisters ?? DEFAULT_MAX_LOADED_CANISTERS,
    }),
    ...(options.instructionLimits !== undefined && {
      instructionLimits: options.instructionLimits,
    }),
    ...(options.callLimits !== undefined && { callLimits: options.callLimits }),
    ...(options.fees !== undefined && { fees: options.fees }),
    ...(options.loadShedding !== undefined && { loadShedding: options.loadShedding }),
    ...(options.subnet !== undefined && { subnet: options.subnet }),
    ...(options.onExecution !== undefined && { onExecution: options.onExecution }),
    ...(traces !== undefined && { traceSink: traces.sink }),
    ...(options.onLog !== undefined && {
      onLog: (id: Uint8Array, line: LogLine) => options.onLog?.(Principal.fromUint8Array(id), line),
    }),
  });
  management.attach(runtime);
  return { runtime, clock, store, management, traces };
}

/** The runtime's wall-clock backstop: the process's watchdog with the replica's limits, unless turned off. */
function wallClockOption(limits: ReplicaOptions['wallClockLimits']): {
  wallClock?: { guard: ReturnType<typeof processGuard>; updateMs: number; queryMs: number };
} {
  if (limits === false) return {};
  const { updateMs, queryMs } = { ...DEFAULT_WALL_CLOCK_LIMITS, ...limits };
  for (const [name, ms] of [
    ['updateMs', updateMs],
    ['queryMs', queryMs],
  ] as const) {
    if (!Number.isInteger(ms) || ms <= 0)
      throw new ReplicaError(
        'ERR_INVALID_ARGUMENT',
        `wallClockLimits.${name} must be a positive integer of milliseconds, got ${ms}`,
      );
  }
  return { wallClock: { guard: processGuard(), updateMs, queryMs } };
}
