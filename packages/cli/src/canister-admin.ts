/**
 * `tincan canister status|stop|start|delete|logs|uninstall-code|deposit-cycles|update-settings|
 * snapshot`: management canister calls for one canister, and how their answers print.
 */
import type { Principal } from '@dfinity/principal';
import { withRejects } from './agent-errors.js';
import type {
  CanisterLogRecord,
  CanisterSnapshot,
  CanisterStatusResult,
  ManagementCanister,
  SettingsArg,
} from './management.js';

/** `canister_status` of one canister. */
export function canisterStatus(
  management: ManagementCanister,
  id: Principal,
  label: string,
): Promise<CanisterStatusResult> {
  return withRejects(`canister_status of ${label}`, () =>
    management.canister_status({ canister_id: id }),
  );
}

/** The text of a status answer, as dfx prints it. */
export function formatStatus(status: CanisterStatusResult): string {
  const hash = status.module_hash[0];
  return [
    `Status: ${statusName(status)}`,
    `Controllers: ${status.settings.controllers.map((p) => p.toText()).join(' ')}`,
    `Memory allocation: ${status.settings.memory_allocation} Bytes`,
    `Compute allocation: ${status.settings.compute_allocation} %`,
    `Freezing threshold: ${status.settings.freezing_threshold} Seconds`,
    `Module hash: ${hash === undefined ? 'None' : `0x${Buffer.from(hash).toString('hex')}`}`,
    `Memory size: ${status.memory_size} bytes`,
    `Balance: ${status.cycles} cycles`,
    `Reserved: ${status.reserved_cycles} cycles`,
    `Idle cycles burned per day: ${status.idle_cycles_burned_per_day} cycles`,
  ].join('\n');
}

/** A status answer as JSON (numbers as decimal strings, as `--output json` prints nat). */
export function statusJson(id: Principal, status: CanisterStatusResult): string {
  const hash = status.module_hash[0];
  const s = status.settings;
  return JSON.stringify(
    {
      id: id.toText(),
      status: statusName(status),
      controllers: s.controllers.map((p) => p.toText()),
      module_hash: hash === undefined ? null : `0x${Buffer.from(hash).toString('hex')}`,
      memory_size: String(status.memory_size),
      cycles: String(status.cycles),
      reserved_cycles: String(status.reserved_cycles),
      idle_cycles_burned_per_day: String(status.idle_cycles_burned_per_day),
      settings: {
        compute_allocation: String(s.compute_allocation),
        memory_allocation: String(s.memory_allocation),
        freezing_threshold: String(s.freezing_threshold),
        reserved_cycles_limit: String(s.reserved_cycles_limit),
        wasm_memory_limit: String(s.wasm_memory_limit),
        wasm_memory_threshold: String(s.wasm_memory_threshold),
        log_visibility: Object.keys(s.log_visibility)[0] ?? 'controllers',
      },
    },
    null,
    2,
  );
}

function statusName(status: CanisterStatusResult): string {
  const name = Object.keys(status.status)[0] ?? 'unknown';
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Stops, starts, deletes or uninstalls a canister. */
export async function lifecycle(
  management: ManagementCanister,
  action: 'stop' | 'start' | 'delete' | 'uninstall-code',
  id: Principal,
  label: string,
): Promise<void> {
  const arg = { canister_id: id };
  if (action === 'stop')
    await withRejects(`stop_canister of ${label}`, () => management.stop_canister(arg));
  else if (action === 'start')
    await withRejects(`start_canister of ${label}`, () => management.start_canister(arg));
  else if (action === 'delete')
    await withRejects(`delete_canister of ${label}`, () => management.delete_canister(arg));
  else
    await withRejects(`uninstall_code of ${label}`, () =>
      management.uninstall_code({ canister_id: id, sender_canister_version: [] }),
    );
}

/** Adds cycles to a canister (`provisional_top_up_canister`, the local replica's faucet). */
export async function topUp(
  management: ManagementCanister,
  id: Principal,
  label: string,
  cycles: bigint,
): Promise<bigint> {
  await withRejects(`provisional_top_up_canister of ${label}`, () =>
    management.provisional_top_up_canister({ canister_id: id, amount: cycles }),
  );
  return (await canisterStatus(management, id, label)).cycles;
}

/** `update_settings`. */
export function updateSettings(
  management: ManagementCanister,
  id: Principal,
  label: string,
  settings: SettingsArg,
): Promise<void> {
  return withRejects(`update_settings of ${label}`, () =>
    management.update_settings({ canister_id: id, settings, sender_canister_version: [] }),
  );
}

/** Snapshot verbs. */
export const snapshots = {
  create: (
    m: ManagementCanister,
    id: Principal,
    label: string,
    replace?: Uint8Array,
  ): Promise<CanisterSnapshot> =>
    withRejects(`take_canister_snapshot of ${label}`, () =>
      m.take_canister_snapshot({
        canister_id: id,
        replace_snapshot: replace === undefined ? [] : [replace],
      }),
    ),
  list: (m: ManagementCanister, id: Principal, label: string): Promise<CanisterSnapshot[]> =>
    withRejects(`list_canister_snapshots of ${label}`, () =>
      m.list_canister_snapshots({ canister_id: id }),
    ),
  load: (
    m: ManagementCanister,
    id: Principal,
    label: string,
    snapshot: Uint8Array,
  ): Promise<void> =>
    withRejects(`load_canister_snapshot of ${label}`, () =>
      m.load_canister_snapshot({
        canister_id: id,
        snapshot_id: snapshot,
        sender_canister_version: [],
      }),
    ),
  delete: (
    m: ManagementCanister,
    id: Principal,
    label: string,
    snapshot: Uint8Array,
  ): Promise<void> =>
    withRejects(`delete_canister_snapshot of ${label}`, () =>
      m.delete_canister_snapshot({ canister_id: id, snapshot_id: snapshot }),
    ),
};

/** A snapshot line as dfx prints it: `<id hex>: <size>, taken at <time>`. */
export function formatSnapshot(s: CanisterSnapshot): string {
  const at = new Date(Number(s.taken_at_timestamp / 1_000_000n)).toISOString();
  return `${Buffer.from(s.id).toString('hex')}: ${s.total_size} bytes, taken at ${at}`;
}

/** The canister's log records (`fetch_canister_logs`) after index `after`. */
export async function fetchLogs(
  management: ManagementCanister,
  id: Principal,
  label: string,
  after = -1n,
): Promise<CanisterLogRecord[]> {
  const { canister_log_records } = await withRejects(`fetch_canister_logs of ${label}`, () =>
    management.fetch_canister_logs({ canister_id: id }),
  );
  return canister_log_records.filter((r) => r.idx > after);
}

/** One log record as dfx prints it: `[idx. time]: content`. */
export function formatLogRecord(record: CanisterLogRecord): string {
  const time = new Date(Number(record.timestamp_nanos / 1_000_000n)).toISOString();
  return `[${record.idx}. ${time}]: ${new TextDecoder().decode(record.content)}`;
}
