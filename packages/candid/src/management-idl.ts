/**
 * Candid types of the management canister (`aaaaa-aa`), written from the IC interface
 * specification's `ic.did`, for the methods tincan serves. Records carry every field current
 * agents expect in replies; arguments are decoded with Candid subtyping, so callers built on
 * older or newer `ic.did` versions work too.
 */
import { IDL } from '@dfinity/candid';

const CanisterId = IDL.Principal;

/** `log_visibility`. */
export const LogVisibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});

/** `canister_settings`: every field optional. */
export const CanisterSettings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(LogVisibility),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
});

/** `definite_canister_settings`, as `canister_status` reports them. */
export const DefiniteCanisterSettings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  log_visibility: LogVisibility,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text })),
});

const CanisterIdRecord = IDL.Record({ canister_id: CanisterId });
const SenderCanisterVersion = IDL.Opt(IDL.Nat64);

const CreateCanisterArgs = IDL.Record({
  settings: IDL.Opt(CanisterSettings),
  sender_canister_version: SenderCanisterVersion,
});
const ProvisionalCreateArgs = IDL.Record({
  amount: IDL.Opt(IDL.Nat),
  settings: IDL.Opt(CanisterSettings),
  specified_id: IDL.Opt(CanisterId),
  sender_canister_version: SenderCanisterVersion,
});

const UpgradeFlags = IDL.Record({
  skip_pre_upgrade: IDL.Opt(IDL.Bool),
  wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
});
/** `canister_install_mode`. */
export const InstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(UpgradeFlags),
});
const InstallCodeArgs = IDL.Record({
  mode: InstallMode,
  canister_id: CanisterId,
  wasm_module: IDL.Vec(IDL.Nat8),
  arg: IDL.Vec(IDL.Nat8),
  sender_canister_version: SenderCanisterVersion,
});
const UninstallCodeArgs = IDL.Record({
  canister_id: CanisterId,
  sender_canister_version: SenderCanisterVersion,
});
const UpdateSettingsArgs = IDL.Record({
  canister_id: CanisterId,
  settings: CanisterSettings,
  sender_canister_version: SenderCanisterVersion,
});

const StatusVariant = IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null });
const QueryStats = IDL.Record({
  num_calls_total: IDL.Nat,
  num_instructions_total: IDL.Nat,
  request_payload_bytes_total: IDL.Nat,
  response_payload_bytes_total: IDL.Nat,
});
const MemoryMetrics = IDL.Record({
  wasm_memory_size: IDL.Nat,
  stable_memory_size: IDL.Nat,
  global_memory_size: IDL.Nat,
  wasm_binary_size: IDL.Nat,
  custom_sections_size: IDL.Nat,
  canister_history_size: IDL.Nat,
  wasm_chunk_store_size: IDL.Nat,
  snapshots_size: IDL.Nat,
});
/** `canister_status_result`. */
export const CanisterStatusResult = IDL.Record({
  status: StatusVariant,
  settings: DefiniteCanisterSettings,
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: MemoryMetrics,
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: QueryStats,
});

const SnapshotId = IDL.Vec(IDL.Nat8);
/** `change_origin`. */
export const ChangeOrigin = IDL.Variant({
  from_user: IDL.Record({ user_id: IDL.Principal }),
  from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
});
/** `change_details`. */
export const ChangeDetails = IDL.Variant({
  creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
  code_uninstall: IDL.Null,
  code_deployment: IDL.Record({
    mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }),
    module_hash: IDL.Vec(IDL.Nat8),
  }),
  load_snapshot: IDL.Record({
    canister_version: IDL.Nat64,
    snapshot_id: SnapshotId,
    taken_at_timestamp: IDL.Nat64,
  }),
  controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
});
/** `change`: one entry of a canister's history. */
export const Change = IDL.Record({
  timestamp_nanos: IDL.Nat64,
  canister_version: IDL.Nat64,
  origin: ChangeOrigin,
  details: ChangeDetails,
});
const CanisterInfoArgs = IDL.Record({
  canister_id: CanisterId,
  num_requested_changes: IDL.Opt(IDL.Nat64),
});
const CanisterInfoResult = IDL.Record({
  total_num_changes: IDL.Nat64,
  recent_changes: IDL.Vec(Change),
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  controllers: IDL.Vec(IDL.Principal),
});

const Snapshot = IDL.Record({
  id: SnapshotId,
  taken_at_timestamp: IDL.Nat64,
  total_size: IDL.Nat64,
});
const TakeSnapshotArgs = IDL.Record({
  canister_id: CanisterId,
  replace_snapshot: IDL.Opt(SnapshotId),
});
const LoadSnapshotArgs = IDL.Record({
  canister_id: CanisterId,
  snapshot_id: SnapshotId,
  sender_canister_version: SenderCanisterVersion,
});
const DeleteSnapshotArgs = IDL.Record({ canister_id: CanisterId, snapshot_id: SnapshotId });

const LogRecord = IDL.Record({
  idx: IDL.Nat64,
  timestamp_nanos: IDL.Nat64,
  content: IDL.Vec(IDL.Nat8),
});
const FetchLogsResult = IDL.Record({ canister_log_records: IDL.Vec(LogRecord) });

/** One management method: its argument and result types, and whether it is a query. */
export interface ManagementMethod {
  readonly arg: IDL.Type;
  readonly ret: IDL.Type | undefined;
  readonly query?: boolean;
}

/** The management methods tincan serves, by name. */
export const MANAGEMENT_METHODS = {
  create_canister: { arg: CreateCanisterArgs, ret: CanisterIdRecord },
  provisional_create_canister_with_cycles: { arg: ProvisionalCreateArgs, ret: CanisterIdRecord },
  install_code: { arg: InstallCodeArgs, ret: undefined },
  uninstall_code: { arg: UninstallCodeArgs, ret: undefined },
  update_settings: { arg: UpdateSettingsArgs, ret: undefined },
  canister_status: { arg: CanisterIdRecord, ret: CanisterStatusResult },
  canister_info: { arg: CanisterInfoArgs, ret: CanisterInfoResult },
  start_canister: { arg: CanisterIdRecord, ret: undefined },
  stop_canister: { arg: CanisterIdRecord, ret: undefined },
  delete_canister: { arg: CanisterIdRecord, ret: undefined },
  deposit_cycles: { arg: CanisterIdRecord, ret: undefined },
  provisional_top_up_canister: {
    arg: IDL.Record({ canister_id: CanisterId, amount: IDL.Nat }),
    ret: undefined,
  },
  raw_rand: { arg: undefined, ret: IDL.Vec(IDL.Nat8) },
  take_canister_snapshot: { arg: TakeSnapshotArgs, ret: Snapshot },
  load_canister_snapshot: { arg: LoadSnapshotArgs, ret: undefined },
  list_canister_snapshots: { arg: CanisterIdRecord, ret: IDL.Vec(Snapshot) },
  delete_canister_snapshot: { arg: DeleteSnapshotArgs, ret: undefined },
  fetch_canister_logs: { arg: CanisterIdRecord, ret: FetchLogsResult, query: true },
} as const satisfies Record<
  string,
  { arg: IDL.Type | undefined; ret: IDL.Type | undefined; query?: boolean }
>;

/** A management method's name. */
export type ManagementMethodName = keyof typeof MANAGEMENT_METHODS;

/**
 * The management canister's interface for `Actor.createActor`, e.g. from a CLI. Calls need an
 * effective canister id: the `canister_id` argument, or any id (`aaaaa-aa` will do) for
 * `provisional_create_canister_with_cycles`.
 */
export const managementIdlFactory: IDL.InterfaceFactory = () =>
  IDL.Service(
    Object.fromEntries(
      Object.entries(MANAGEMENT_METHODS).map(([name, m]) => [
        name,
        IDL.Func(
          m.arg === undefined ? [] : [m.arg],
          m.ret === undefined ? [] : [m.ret],
          'query' in m && m.query ? ['query'] : [],
        ),
      ]),
    ),
  );
