/**
 * The management canister (`aaaaa-aa`) as the CLI uses it, through an unmodified
 * `@dfinity/agent` actor on the replica's `ic.did` types. Calls carry the target canister as
 * their effective canister id, as the IC requires.
 */
import { Actor, type HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { managementIdlFactory } from '@tincan/replica';

/** `canister_status`'s answer, as the agent decodes it. */
export interface CanisterStatusResult {
  status: { running: null } | { stopping: null } | { stopped: null };
  settings: { controllers: Principal[]; freezing_threshold: bigint };
  module_hash: [] | [Uint8Array];
  memory_size: bigint;
  cycles: bigint;
}

/** One canister log line from `fetch_canister_logs`. */
export interface CanisterLogRecord {
  idx: bigint;
  timestamp_nanos: bigint;
  content: Uint8Array;
}

type CanisterArg = { canister_id: Principal };
/** `install_code`'s mode. */
export type InstallMode = { install: null } | { reinstall: null } | { upgrade: [] };

/** The management canister's methods the CLI calls. */
export interface ManagementCanister {
  provisional_create_canister_with_cycles(arg: { amount: [] | [bigint]; settings: []; specified_id: []; sender_canister_version: [] }): Promise<{ canister_id: Principal }>;
  install_code(arg: { mode: InstallMode; canister_id: Principal; wasm_module: Uint8Array; arg: Uint8Array; sender_canister_version: [] }): Promise<void>;
  canister_status(arg: CanisterArg): Promise<CanisterStatusResult>;
  start_canister(arg: CanisterArg): Promise<void>;
  stop_canister(arg: CanisterArg): Promise<void>;
  delete_canister(arg: CanisterArg): Promise<void>;
  fetch_canister_logs(arg: CanisterArg): Promise<{ canister_log_records: CanisterLogRecord[] }>;
}

/** An actor for `aaaaa-aa` on `agent`. */
export function managementCanister(agent: HttpAgent): ManagementCanister {
  const effective = (_method: string, args: unknown[]): { effectiveCanisterId: Principal } => {
    const first = args[0] as { canister_id?: unknown } | undefined;
    return { effectiveCanisterId: first?.canister_id instanceof Principal ? first.canister_id : Principal.managementCanister() };
  };
  return Actor.createActor<ManagementCanister>(managementIdlFactory, {
    agent,
    canisterId: Principal.managementCanister(),
    callTransform: effective,
    queryTransform: effective,
  }) as unknown as ManagementCanister;
}
