/**
 * Replies of `canister_status` and `canister_info` in their Candid shapes. Memory is what tincan
 * stores for the canister (module, heap, stable entries); the idle burn is what the IC would
 * charge for that memory and the compute allocation on a 13-node subnet (tincan reports it but
 * does not charge it).
 */
import { Principal } from '@dfinity/principal';
import type { Runtime, StateStore } from '@tincan/runtime';
import type { Change } from './canister-history.js';

type Opt<T> = [] | [T];

/** A decoded `canister_settings` record. */
export interface CandidSettings {
  readonly controllers: Opt<Principal[]>;
  readonly compute_allocation: Opt<bigint>;
  readonly memory_allocation: Opt<bigint>;
  readonly freezing_threshold: Opt<bigint>;
  readonly reserved_cycles_limit: Opt<bigint>;
  readonly log_visibility: Opt<
    { controllers: null } | { public: null } | { allowed_viewers: Principal[] }
  >;
  readonly wasm_memory_limit: Opt<bigint>;
  readonly wasm_memory_threshold: Opt<bigint>;
}

/** Cycles per GiB per second of memory, and per percent of compute allocation per second. */
const GIB_SECOND_CYCLES = 127_000n;
const COMPUTE_PERCENT_SECOND_CYCLES = 10_000_000n;
const SECONDS_PER_DAY = 86_400n;

/** The `canister_status` reply for a canister. */
export function canisterStatus(runtime: Runtime, store: StateStore, id: Uint8Array): unknown {
  const record = runtime.record(id);
  const settings = runtime.settings(id);
  const heapBytes = store.heapBytes(id);
  const moduleBytes = BigInt(record.module.length);
  const stableBytes = store.stableBytes(id);
  const memorySize = heapBytes + moduleBytes + stableBytes;
  const billed =
    memorySize > settings.memoryAllocationBytes ? memorySize : settings.memoryAllocationBytes;
  const idlePerDay =
    ((billed * GIB_SECOND_CYCLES) / (1n << 30n) +
      settings.computeAllocationPercent * COMPUTE_PERCENT_SECOND_CYCLES) *
    SECONDS_PER_DAY;
  return {
    status: { [record.status]: null },
    settings: {
      controllers: record.controllers.map((c) => Principal.fromUint8Array(c)),
      compute_allocation: settings.computeAllocationPercent,
      memory_allocation: settings.memoryAllocationBytes,
      freezing_threshold: settings.freezingThresholdSeconds,
      reserved_cycles_limit: settings.reservedCyclesLimit,
      log_visibility: { [settings.logVisibility]: null },
      wasm_memory_limit: settings.wasmMemoryLimitBytes,
      wasm_memory_threshold: 0n,
      environment_variables: [],
    },
    module_hash: record.moduleHash.length > 0 ? [record.moduleHash] : [],
    memory_size: memorySize,
    memory_metrics: {
      wasm_memory_size: heapBytes,
      stable_memory_size: stableBytes,
      global_memory_size: 0n,
      wasm_binary_size: moduleBytes,
      custom_sections_size: 0n,
      canister_history_size: 0n,
      wasm_chunk_store_size: 0n,
      snapshots_size: 0n,
    },
    cycles: record.cycles,
    reserved_cycles: 0n,
    idle_cycles_burned_per_day: idlePerDay,
    query_stats: {
      num_calls_total: 0n,
      num_instructions_total: 0n,
      request_payload_bytes_total: 0n,
      response_payload_bytes_total: 0n,
    },
  };
}

/** A history entry as the `change` record. */
export function candidChange(change: Change): unknown {
  const { origin, details } = change;
  const p = (bytes: Uint8Array): Principal => Principal.fromUint8Array(bytes);
  return {
    timestamp_nanos: change.timestampNs,
    canister_version: change.canisterVersion,
    origin:
      origin.kind === 'user'
        ? { from_user: { user_id: p(origin.userId) } }
        : {
            from_canister: {
              canister_id: p(origin.canisterId),
              canister_version:
                origin.canisterVersion === undefined ? [] : [origin.canisterVersion],
            },
          },
    details: candidDetails(details, p),
  };
}

function candidDetails(details: Change['details'], p: (bytes: Uint8Array) => Principal): unknown {
  switch (details.kind) {
    case 'creation':
      return { creation: { controllers: details.controllers.map(p) } };
    case 'code_uninstall':
      return { code_uninstall: null };
    case 'code_deployment':
      return {
        code_deployment: { mode: { [details.mode]: null }, module_hash: details.moduleHash },
      };
    case 'load_snapshot':
      return {
        load_snapshot: {
          canister_version: details.canisterVersion,
          snapshot_id: details.snapshotId,
          taken_at_timestamp: details.takenAtNs,
        },
      };
    case 'controllers_change':
      return { controllers_change: { controllers: details.controllers.map(p) } };
  }
}
