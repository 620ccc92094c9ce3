/**
 * `tincan canister status|stop|start|delete|logs`: management canister calls for one canister,
 * and how their answers print.
 */
import { withRejects } from './agent-errors.js';
import type { CanisterLogRecord, CanisterStatusResult, ManagementCanister } from './management.js';
import type { Principal } from '@dfinity/principal';

/** `canister_status`, printed as dfx prints it. */
export async function canisterStatus(management: ManagementCanister, id: Principal, label: string): Promise<string> {
  const status = await withRejects(`canister_status of ${label}`, () => management.canister_status({ canister_id: id }));
  return formatStatus(status);
}

/** The text of a status answer. */
export function formatStatus(status: CanisterStatusResult): string {
  const hash = status.module_hash[0];
  return [
    `Status: ${Object.keys(status.status)[0] ?? 'unknown'}`,
    `Controllers: ${status.settings.controllers.map((p) => p.toText()).join(' ')}`,
    `Module hash: ${hash === undefined ? 'None' : `0x${Buffer.from(hash).toString('hex')}`}`,
    `Memory size: ${status.memory_size} bytes`,
    `Balance: ${status.cycles} cycles`,
  ].join('\n');
}

/** Stops, starts or deletes a canister. */
export async function lifecycle(management: ManagementCanister, action: 'stop' | 'start' | 'delete', id: Principal, label: string): Promise<void> {
  const arg = { canister_id: id };
  if (action === 'stop') await withRejects(`stop_canister of ${label}`, () => management.stop_canister(arg));
  else if (action === 'start') await withRejects(`start_canister of ${label}`, () => management.start_canister(arg));
  else await withRejects(`delete_canister of ${label}`, () => management.delete_canister(arg));
}

/** The canister's log records (`fetch_canister_logs`) after index `after`. */
export async function fetchLogs(management: ManagementCanister, id: Principal, label: string, after = -1n): Promise<CanisterLogRecord[]> {
  const { canister_log_records } = await withRejects(`fetch_canister_logs of ${label}`, () => management.fetch_canister_logs({ canister_id: id }));
  return canister_log_records.filter((r) => r.idx > after);
}

/** One log record as dfx prints it: `[idx. time]: content`. */
export function formatLogRecord(record: CanisterLogRecord): string {
  const time = new Date(Number(record.timestamp_nanos / 1_000_000n)).toISOString();
  return `[${record.idx}. ${time}]: ${new TextDecoder().decode(record.content)}`;
}
