import type { CanisterRecord, CanisterStatus } from '@tincan/runtime';
import { StorageError } from './storage-error.js';

/** One row of the `canisters` table, as better-sqlite3 binds and returns it. */
export interface CanisterRow {
  readonly id: Uint8Array;
  readonly idx: number;
  readonly module: Uint8Array;
  readonly module_hash: Uint8Array;
  readonly candid: string;
  readonly controllers: Uint8Array;
  readonly status: string;
  readonly version: string;
  readonly cycles: string;
  readonly settings_json: string;
}

/** The registry columns read at open: enough to find a canister and its module without its record. */
export interface CanisterKeyRow {
  readonly id: Uint8Array;
  readonly idx: number;
  readonly module_hash: Uint8Array;
  readonly status: string;
}

/**
 * Encodes controllers as a concatenation of (1-byte length, principal bytes). Principals are at
 * most 29 bytes, so one length byte suffices; a binary encoding keeps the row small and needs
 * no hex round trip.
 */
export function encodeControllers(controllers: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of controllers) {
    if (c.length > 255)
      throw new StorageError('ERR_STORAGE_VALUE', `controller of ${c.length} bytes exceeds 255`);
    size += 1 + c.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of controllers) {
    out[at++] = c.length;
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Inverse of {@link encodeControllers}; throws `ERR_STORAGE_VALUE` on a truncated blob. */
export function decodeControllers(blob: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < blob.length) {
    const len = blob[at] ?? 0;
    const end = at + 1 + len;
    if (end > blob.length)
      throw new StorageError('ERR_STORAGE_VALUE', 'stored controllers blob is truncated');
    // slice, not subarray: callers may keep one controller without pinning the whole blob.
    out.push(blob.slice(at + 1, end));
    at = end;
  }
  return out;
}

const NO_MODULE = new Uint8Array(0);

/** Maps a record to the row bound by the upsert statement; the module itself goes to `modules`. */
export function toRow(record: CanisterRecord): CanisterRow {
  return {
    id: record.id,
    idx: record.index,
    module: NO_MODULE,
    module_hash: record.moduleHash,
    candid: record.candid,
    controllers: encodeControllers(record.controllers),
    status: record.status,
    // Decimal text, because cycles exceed 2^63 and an INTEGER column would overflow.
    version: record.version.toString(),
    cycles: record.cycles.toString(),
    settings_json: record.settingsJson,
  };
}

/**
 * Maps a stored row back to a record, with `module` (read from `modules` by the row's hash).
 * The CHECK constraint on `status` makes the cast safe.
 */
export function fromRow(row: CanisterRow, module: Uint8Array): CanisterRecord {
  return {
    id: row.id,
    index: row.idx,
    module,
    moduleHash: row.module_hash,
    candid: row.candid,
    controllers: decodeControllers(row.controllers),
    status: row.status as CanisterStatus,
    version: parseBigInt(row.version, 'version'),
    cycles: parseBigInt(row.cycles, 'cycles'),
    settingsJson: row.settings_json,
  };
}

function parseBigInt(text: string, column: string): bigint {
  // BigInt('') is 0n, so reject empty text explicitly rather than invent a value.
  if (!/^-?\d+$/.test(text))
    throw new StorageError(
      'ERR_STORAGE_VALUE',
      `stored ${column} ${JSON.stringify(text)} is not an integer`,
    );
  return BigInt(text);
}
