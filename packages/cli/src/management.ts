/**
 * The management canister (`aaaaa-aa`) as the CLI uses it, through an unmodified
 * `@dfinity/agent` actor on `ic.did`'s types (from `@tincan/candid`, so no replica code loads).
 * Calls carry the target canister as their effective canister id, as the IC requires.
 */
import { Actor, type HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { managementIdlFactory } from '@tincan/candid/management-idl';
import { blsVerifyFor } from './connect.js';

/** `definite_canister_settings`, as the agent decodes it. */
export interface DefiniteSettings {
  controllers: Principal[];
  compute_allocation: bigint;
  memory_allocation: bigint;
  freezing_threshold: bigint;
  reserved_cycles_limit: bigint;
  wasm_memory_limit: bigint;
  wasm_memory_threshold: bigint;
  log_visibility: { controllers: null } | { public: null } | { allowed_viewers: Principal[] };
}

/** `canister_status`'s answer, as the agent decodes it. */
export interface CanisterStatusResult {
  status: { running: null } | { stopping: null } | { stopped: null };
  settings: DefiniteSettings;
  module_hash: [] | [Uint8Array];
  memory_size: bigint;
  cycles: bigint;
  reserved_cycles: bigint;
  idle_cycles_burned_per_day: bigint;
}

/** One canister log line from `fetch_canister_logs`. */
export interface CanisterLogRecord {
  idx: bigint;
  timestamp_nanos: bigint;
  content: Uint8Array;
}

/** A snapshot as `take_canister_snapshot` and `list_canister_snapshots` report it. */
export interface CanisterSnapshot {
  id: Uint8Array;
  taken_at_timestamp: bigint;
  total_size: bigint;
}

/** `canister_settings` for create and update_settings: every field optional. */
export interface SettingsArg {
  controllers: [] | [Principal[]];
  compute_allocation: [] | [bigint];
  memory_allocation: [] | [bigint];
  freezing_threshold: [] | [bigint];
  reserved_cycles_limit: [] | [bigint];
  log_visibility: [] | [DefiniteSettings['log_visibility']];
  wasm_memory_limit: [] | [bigint];
  wasm_memory_threshold: [] | [bigint];
}

type CanisterArg = { canister_id: Principal };
/** `install_code`'s mode. */
export type InstallMode = { install: null } | { reinstall: null } | { upgrade: [] };

/** The management canister's methods the CLI calls. */
export interface ManagementCanister {
  provisional_create_canister_with_cycles(arg: {
    amount: [] | [bigint];
    settings: [] | [SettingsArg];
    specified_id: [] | [Principal];
    sender_canister_version: [];
  }): Promise<{ canister_id: Principal }>;
  install_code(arg: {
    mode: InstallMode;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
  uninstall_code(arg: { canister_id: Principal; sender_canister_version: [] }): Promise<void>;
  update_settings(arg: {
    canister_id: Principal;
    settings: SettingsArg;
    sender_canister_version: [];
  }): Promise<void>;
  canister_status(arg: CanisterArg): Promise<CanisterStatusResult>;
  start_canister(arg: CanisterArg): Promise<void>;
  stop_canister(arg: CanisterArg): Promise<void>;
  delete_canister(arg: CanisterArg): Promise<void>;
  provisional_top_up_canister(arg: { canister_id: Principal; amount: bigint }): Promise<void>;
  take_canister_snapshot(arg: {
    canister_id: Principal;
    replace_snapshot: [] | [Uint8Array];
  }): Promise<CanisterSnapshot>;
  list_canister_snapshots(arg: CanisterArg): Promise<CanisterSnapshot[]>;
  load_canister_snapshot(arg: {
    canister_id: Principal;
    snapshot_id: Uint8Array;
    sender_canister_version: [];
  }): Promise<void>;
  delete_canister_snapshot(arg: { canister_id: Principal; snapshot_id: Uint8Array }): Promise<void>;
  fetch_canister_logs(arg: CanisterArg): Promise<{ canister_log_records: CanisterLogRecord[] }>;
}

/**
 * An actor for `aaaaa-aa` on `agent`. A creation's effective canister id (which picks the subnet
 * it goes to) is `createOn`, else `aaaaa-aa`.
 */
export function managementCanister(agent: HttpAgent, createOn?: Principal): ManagementCanister {
  const effective = (_method: string, args: unknown[]): { effectiveCanisterId: Principal } => {
    const first = args[0] as { canister_id?: unknown } | undefined;
    return {
      effectiveCanisterId:
        first?.canister_id instanceof Principal
          ? first.canister_id
          : (createOn ?? Principal.managementCanister()),
    };
  };
  return Actor.createActor<ManagementCanister>(managementIdlFactory, {
    agent,
    canisterId: Principal.managementCanister(),
    callTransform: effective,
    queryTransform: effective,
    blsVerify: blsVerifyFor(agent),
  });
}

/** Settings with nothing set. */
export function noSettings(): SettingsArg {
  return {
    controllers: [],
    compute_allocation: [],
    memory_allocation: [],
    freezing_threshold: [],
    reserved_cycles_limit: [],
    log_visibility: [],
    wasm_memory_limit: [],
    wasm_memory_threshold: [],
  };
}
