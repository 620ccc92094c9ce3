/** `fetch_canister_logs` as the in-process replica offers it: the Candid argument and the decoded records. */
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { MANAGEMENT_METHODS } from './ic-idl.js';

/** One canister log record, as `fetch_canister_logs` returns it (content as text). */
export interface CanisterLogRecord {
  readonly idx: bigint;
  readonly timestampNanos: bigint;
  readonly content: string;
}

/** The Candid argument of `fetch_canister_logs` for a canister. */
export function fetchLogsArg(canister: Principal): Uint8Array {
  return new Uint8Array(
    IDL.encode([MANAGEMENT_METHODS.fetch_canister_logs.arg], [{ canister_id: canister }]),
  );
}

/** Decodes a `fetch_canister_logs` reply. */
export function decodeLogs(reply: Uint8Array): CanisterLogRecord[] {
  const [result] = IDL.decode([MANAGEMENT_METHODS.fetch_canister_logs.ret], reply) as unknown as [
    { canister_log_records: Array<{ idx: bigint; timestamp_nanos: bigint; content: Uint8Array }> },
  ];
  const decoder = new TextDecoder();
  return result.canister_log_records.map((r) => ({
    idx: r.idx,
    timestampNanos: r.timestamp_nanos,
    content: decoder.decode(r.content),
  }));
}
