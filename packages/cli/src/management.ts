/**
 * The management canister (`aaaaa-aa`) as the CLI uses it: the part of the IC's `ic.did` that
 * deploy and `canister …` need, called through an unmodified `@dfinity/agent` actor. Calls
 * carry the target canister as their effective canister id, as the IC requires.
 */
import { Actor, type HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { parseDid } from '@tincan/candid';

const MANAGEMENT_DID = `
type canister_id = principal;
type canister_settings = record {
  controllers : opt vec principal;
  compute_allocation : opt nat;
  memory_allocation : opt nat;
  freezing_threshold : opt nat;
  reserved_cycles_limit : opt nat;
  log_visibility : opt variant { controllers; public; allowed_viewers : vec principal };
  wasm_memory_limit : opt nat;
};
type definite_canister_settings = record {
  controllers : vec principal;
  compute_allocation : nat;
  memory_allocation : nat;
  freezing_threshold : nat;
  reserved_cycles_limit : nat;
  wasm_memory_limit : nat;
};
type canister_install_mode = variant {
  install;
  reinstall;
  upgrade : opt record { skip_pre_upgrade : opt bool; wasm_memory_persistence : opt variant { keep; replace } };
};
type canister_status_result = record {
  status : variant { running; stopping; stopped };
  settings : definite_canister_settings;
  module_hash : opt blob;
  memory_size : nat;
  cycles : nat;
  reserved_cycles : nat;
  idle_cycles_burned_per_day : nat;
};
type canister_log_record = record { idx : nat64; timestamp_nanos : nat64; content : blob };
service : {
  provisional_create_canister_with_cycles : (record { amount : opt nat; settings : opt canister_settings; specified_id : opt canister_id }) -> (record { canister_id : canister_id });
  install_code : (record { mode : canister_install_mode; canister_id : canister_id; wasm_module : blob; arg : blob }) -> ();
  canister_status : (record { canister_id : canister_id }) -> (canister_status_result);
  start_canister : (record { canister_id : canister_id }) -> ();
  stop_canister : (record { canister_id : canister_id }) -> ();
  delete_canister : (record { canister_id : canister_id }) -> ();
  fetch_canister_logs : (record { canister_id : canister_id }) -> (record { canister_log_records : vec canister_log_record }) query;
}
`;

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
  provisional_create_canister_with_cycles(arg: { amount: [] | [bigint]; settings: []; specified_id: [] }): Promise<{ canister_id: Principal }>;
  install_code(arg: { mode: InstallMode; canister_id: Principal; wasm_module: Uint8Array; arg: Uint8Array }): Promise<void>;
  canister_status(arg: CanisterArg): Promise<CanisterStatusResult>;
  start_canister(arg: CanisterArg): Promise<void>;
  stop_canister(arg: CanisterArg): Promise<void>;
  delete_canister(arg: CanisterArg): Promise<void>;
  fetch_canister_logs(arg: CanisterArg): Promise<{ canister_log_records: CanisterLogRecord[] }>;
}

let service: ReturnType<typeof parseDid>['service'] | undefined;

/** An actor for `aaaaa-aa` on `agent`. */
export function managementCanister(agent: HttpAgent): ManagementCanister {
  service ??= parseDid(MANAGEMENT_DID).service;
  const svc = service;
  const effective = (_method: string, args: unknown[]): { effectiveCanisterId: Principal } => {
    const first = args[0] as { canister_id?: unknown } | undefined;
    return { effectiveCanisterId: first?.canister_id instanceof Principal ? first.canister_id : Principal.managementCanister() };
  };
  return Actor.createActor<ManagementCanister>(() => svc, {
    agent,
    canisterId: Principal.managementCanister(),
    callTransform: effective,
    queryTransform: effective,
  }) as unknown as ManagementCanister;
}
