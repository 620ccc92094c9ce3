/**
 * The `ingress` and `open_calls` tables: answers to ingress calls kept until their request
 * expires, and what each canister had open at the last commit.
 */
import type Database from 'better-sqlite3';
import type { IngressRecord, Outcome } from '@tincan/runtime';

interface IngressRow {
  request_id: Uint8Array;
  sender: Uint8Array;
  expiry_ns: bigint;
  status: 'received' | 'replied' | 'rejected';
  reply: Uint8Array | null;
  reject_code: bigint | null;
  reject_message: string | null;
  error_code: string | null;
}

const COLUMNS =
  'request_id, sender, expiry_ns, status, reply, reject_code, reject_message, error_code';

/** Prepared statements of the ingress records and open calls. */
export class IngressStatements {
  readonly #put: Database.Statement<[IngressRow]>;
  readonly #get: Database.Statement<[Uint8Array], IngressRow>;
  readonly #list: Database.Statement<[], IngressRow>;
  readonly #prune: Database.Statement<[bigint]>;
  readonly #putOpen: Database.Statement<[Uint8Array, string]>;
  readonly #deleteOpen: Database.Statement<[Uint8Array]>;
  readonly #listOpen: Database.Statement<[], { canister_id: Uint8Array; state: string }>;

  constructor(db: Database.Database) {
    this.#put = db.prepare<[IngressRow]>(
      `INSERT OR REPLACE INTO ingress (${COLUMNS})
       VALUES (@request_id, @sender, @expiry_ns, @status, @reply, @reject_code, @reject_message, @error_code)`,
    );
    // Expiries are nanoseconds: past 2^53, so read as BigInt.
    this.#get = db
      .prepare<[Uint8Array], IngressRow>(`SELECT ${COLUMNS} FROM ingress WHERE request_id = ?`)
      .safeIntegers(true);
    this.#list = db
      .prepare<[], IngressRow>(`SELECT ${COLUMNS} FROM ingress ORDER BY expiry_ns`)
      .safeIntegers(true);
    this.#prune = db.prepare<[bigint]>('DELETE FROM ingress WHERE expiry_ns < ?');
    this.#putOpen = db.prepare<[Uint8Array, string]>(
      'INSERT OR REPLACE INTO open_calls (canister_id, state) VALUES (?, ?)',
    );
    this.#deleteOpen = db.prepare<[Uint8Array]>('DELETE FROM open_calls WHERE canister_id = ?');
    this.#listOpen = db.prepare<[], { canister_id: Uint8Array; state: string }>(
      'SELECT canister_id, state FROM open_calls',
    );
  }

  put(record: IngressRecord): void {
    this.#put.run(toRow(record));
  }

  get(requestId: Uint8Array): IngressRecord | undefined {
    const row = this.#get.get(requestId);
    return row === undefined ? undefined : fromRow(row);
  }

  list(): IngressRecord[] {
    return this.#list.all().map(fromRow);
  }

  prune(beforeNs: bigint): void {
    this.#prune.run(beforeNs);
  }

  putOpen(canisterId: Uint8Array, state: string | undefined): void {
    if (state === undefined) this.#deleteOpen.run(canisterId);
    else this.#putOpen.run(canisterId, state);
  }

  listOpen(): Array<{ canisterId: Uint8Array; state: string }> {
    return this.#listOpen
      .all()
      .map((row) => ({ canisterId: new Uint8Array(row.canister_id), state: row.state }));
  }
}

function toRow(record: IngressRecord): IngressRow {
  const { outcome } = record;
  const base = { request_id: record.requestId, sender: record.sender, expiry_ns: record.expiryNs };
  if (outcome === undefined)
    return {
      ...base,
      status: 'received',
      reply: null,
      reject_code: null,
      reject_message: null,
      error_code: null,
    };
  if ('reply' in outcome)
    return {
      ...base,
      status: 'replied',
      reply: outcome.reply,
      reject_code: null,
      reject_message: null,
      error_code: null,
    };
  const { code, message, errorCode } = outcome.reject;
  return {
    ...base,
    status: 'rejected',
    reply: null,
    reject_code: BigInt(code),
    reject_message: message,
    error_code: errorCode ?? null,
  };
}

function fromRow(row: IngressRow): IngressRecord {
  // Plain Uint8Arrays, not better-sqlite3's Buffers: they go to agents and into CBOR.
  const base = {
    requestId: new Uint8Array(row.request_id),
    sender: new Uint8Array(row.sender),
    expiryNs: row.expiry_ns,
  };
  if (row.status === 'received') return { ...base, outcome: undefined };
  if (row.status === 'replied')
    return { ...base, outcome: { reply: new Uint8Array(row.reply ?? []) } };
  const reject = {
    code: Number(row.reject_code ?? 0),
    message: row.reject_message ?? '',
    ...(row.error_code !== null && { errorCode: row.error_code }),
  };
  return { ...base, outcome: { reject } as Outcome };
}
