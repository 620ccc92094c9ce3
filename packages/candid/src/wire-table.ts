/**
 * The header of a binary Candid message: magic, type table and argument types, parsed in one
 * linear pass and checked before any value is read. Limits keep the table small (decoders build
 * an object per entry and check subtyping between entries), every reference must point into the
 * table or name a primitive type, field ids must be sorted and unique, and every record or
 * variant must have a finite value (a record that contains itself with no base case has none).
 */
import { decodeError } from './candid-error.js';
import type { CandidLimits } from './candid-limits.js';
import {
  isUtf8,
  readByte,
  readSmallLeb,
  readTypeRef,
  skipBytes,
  type Cursor,
} from './wire-read.js';

/** Type opcodes of the binary format (negative SLEB128 values). */
export const Op = {
  Null: -1,
  Bool: -2,
  Nat: -3,
  Int: -4,
  Nat8: -5,
  Nat16: -6,
  Nat32: -7,
  Nat64: -8,
  Int8: -9,
  Int16: -10,
  Int32: -11,
  Int64: -12,
  Float32: -13,
  Float64: -14,
  Text: -15,
  Reserved: -16,
  Empty: -17,
  Opt: -18,
  Vec: -19,
  Record: -20,
  Variant: -21,
  Func: -22,
  Service: -23,
  Principal: -24,
} as const;

/** One entry of the type table: a constructed type. */
export interface WireEntry {
  /** `Op.Opt` … `Op.Service`. */
  readonly op: number;
  /**
   * Referenced types: the element of opt/vec; the field types of record/variant; the argument
   * then result types of func (`ids[0]` arguments); the method types of service.
   */
  readonly refs: number[];
  /** Field ids of record/variant, ascending; `[argument count]` for func; empty otherwise. */
  readonly ids: number[];
}

/** A parsed and checked header. */
export interface WireHeader {
  readonly table: readonly WireEntry[];
  /** Whether each entry has a finite value. */
  readonly inhabited: readonly boolean[];
  /** The type of each argument: a table index (>= 0) or a primitive opcode (< 0). */
  readonly args: readonly number[];
  /** Where the values start. */
  readonly valueOffset: number;
}

const MAGIC = [0x44, 0x49, 0x44, 0x4c]; // "DIDL"
const FIELD_ID_MAX = 2 ** 32 - 1;

const OP_NAMES: Record<number, string> = {
  [-18]: 'opt',
  [-19]: 'vec',
  [-20]: 'record',
  [-21]: 'variant',
  [-22]: 'func',
  [-23]: 'service',
};

/** Name of a type reference, for messages. */
export function refName(ref: number, table: readonly WireEntry[]): string {
  if (ref >= 0) return `type ${ref} (${OP_NAMES[table[ref]?.op ?? 0] ?? '?'})`;
  return PRIM_NAMES[-ref - 1] ?? `opcode ${ref}`;
}

const PRIM_NAMES = [
  'null',
  'bool',
  'nat',
  'int',
  'nat8',
  'nat16',
  'nat32',
  'nat64',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
  'text',
  'reserved',
  'empty',
];

/** Parses and checks the header of `bytes` within `limits`; throws `ERR_CANDID_DECODE`. */
export function parseHeader(bytes: Uint8Array, limits: CandidLimits): WireHeader {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b))
    throw decodeError('not Candid: the message does not start with "DIDL"');
  const c: Cursor = { bytes, offset: MAGIC.length };
  const count = readSmallLeb(c, limits.maxTypeTableEntries, 'the type table size');
  const table: WireEntry[] = [];
  const budget = { fields: limits.maxTypeFields };
  for (let i = 0; i < count; i++) table.push(readEntry(c, count, budget));
  const argCount = readSmallLeb(c, bytes.length - c.offset, 'the argument count');
  const args: number[] = [];
  for (let i = 0; i < argCount; i++) args.push(checkRef(readTypeRef(c, count)));
  checkServices(table);
  const inhabited = inhabitedEntries(table);
  for (let i = 0; i < table.length; i++) {
    const op = (table[i] as WireEntry).op;
    if (!inhabited[i] && (op === Op.Record || op === Op.Variant)) {
      throw decodeError(
        `type ${i} (${OP_NAMES[op] ?? '?'}) has no finite value: it contains itself (or empty) with no base case`,
      );
    }
  }
  for (const a of args)
    if (a === Op.Empty) throw decodeError('an argument of type empty has no value');
  return { table, inhabited, args, valueOffset: c.offset };
}

function readEntry(c: Cursor, count: number, budget: { fields: number }): WireEntry {
  const op = readTypeRef(c, Number.MAX_SAFE_INTEGER);
  const take = (n: number): void => {
    budget.fields -= n;
    if (budget.fields < 0) throw decodeError('the type table has more fields than the limit');
  };
  switch (op) {
    case Op.Opt:
    case Op.Vec:
      return { op, refs: [checkRef(readTypeRef(c, count))], ids: [] };
    case Op.Record:
    case Op.Variant: {
      // Each field takes at least two bytes, which bounds the count before the loop runs.
      const n = readSmallLeb(c, (c.bytes.length - c.offset) >> 1, 'a field count');
      take(n);
      const refs: number[] = [];
      const ids: number[] = [];
      let prev = -1;
      for (let k = 0; k < n; k++) {
        const id = readSmallLeb(c, FIELD_ID_MAX, 'a field id');
        if (id <= prev)
          throw decodeError(
            id === prev
              ? `duplicate field id ${id}`
              : `field ids out of order (${id} after ${prev})`,
          );
        prev = id;
        ids.push(id);
        refs.push(checkRef(readTypeRef(c, count)));
      }
      return { op, refs, ids };
    }
    case Op.Func: {
      const refs: number[] = [];
      const nArgs = readSmallLeb(c, c.bytes.length - c.offset, 'a function argument count');
      take(nArgs);
      for (let k = 0; k < nArgs; k++) refs.push(checkRef(readTypeRef(c, count)));
      const nRets = readSmallLeb(c, c.bytes.length - c.offset, 'a function result count');
      take(nRets);
      for (let k = 0; k < nRets; k++) refs.push(checkRef(readTypeRef(c, count)));
      const nAnn = readSmallLeb(c, c.bytes.length - c.offset, 'a function annotation count');
      for (let k = 0; k < nAnn; k++) {
        const a = readByte(c, 'a function annotation');
        if (a < 1 || a > 3) throw decodeError(`unknown function annotation ${a}`);
      }
      return { op, refs, ids: [nArgs] };
    }
    case Op.Service: {
      const n = readSmallLeb(c, (c.bytes.length - c.offset) >> 1, 'a method count');
      take(n);
      const refs: number[] = [];
      let prev: Uint8Array | undefined;
      for (let k = 0; k < n; k++) {
        const len = readSmallLeb(c, c.bytes.length - c.offset, 'a method name length');
        const start = c.offset;
        skipBytes(c, len, 'a method name');
        if (!isUtf8(c.bytes, start, c.offset))
          throw decodeError('a method name is not valid UTF-8');
        const name = c.bytes.subarray(start, c.offset);
        if (prev !== undefined && compareNames(prev, name) >= 0)
          throw decodeError('service methods are not in strictly ascending order');
        prev = name;
        refs.push(readTypeRef(c, count));
      }
      return { op, refs, ids: [] };
    }
    default:
      if (op >= Op.Principal && op <= Op.Null)
        throw decodeError(`a type table entry must be a constructed type, not ${refName(op, [])}`);
      throw decodeError(`unsupported type opcode ${op} in the type table`);
  }
}

/** A reference must be a table index or a primitive type, never a constructor opcode. */
function checkRef(ref: number): number {
  if (ref >= 0 || (ref >= Op.Empty && ref <= Op.Null) || ref === Op.Principal) return ref;
  if (ref >= Op.Service)
    throw decodeError(
      `type opcode ${ref} (${OP_NAMES[ref] ?? '?'}) cannot be used as a type reference`,
    );
  throw decodeError(`unsupported type opcode ${ref}`);
}

function compareNames(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a.length - b.length;
}

function checkServices(table: readonly WireEntry[]): void {
  for (const entry of table) {
    if (entry.op !== Op.Service) continue;
    for (const ref of entry.refs) {
      if (ref < 0 || table[ref]?.op !== Op.Func)
        throw decodeError(`a service method must have a function type, not ${refName(ref, table)}`);
    }
  }
}

/**
 * The entries with a finite value (a least fixed point, computed with a worklist in time linear in
 * the table): opt, vec and references always have one (none, the empty vector, a reference); a
 * record when all its fields do; a variant when one of its fields does.
 */
function inhabitedEntries(table: readonly WireEntry[]): boolean[] {
  const inhabited = table.map(() => false);
  const missing = table.map(() => 0);
  const users: number[][] = table.map(() => []);
  const ready: number[] = [];
  table.forEach((entry, i) => {
    if (entry.op !== Op.Record && entry.op !== Op.Variant) {
      ready.push(i);
      return;
    }
    let open = 0;
    let empties = 0;
    for (const ref of entry.refs) {
      if (ref >= 0) {
        open++;
        (users[ref] as number[]).push(i);
      } else if (ref === Op.Empty) empties++;
    }
    if (entry.op === Op.Record) {
      missing[i] = empties > 0 ? Infinity : open;
      if (empties === 0 && open === 0) ready.push(i);
    } else if (entry.refs.length - open - empties > 0) ready.push(i);
  });
  while (ready.length > 0) {
    const i = ready.pop() as number;
    if (inhabited[i]) continue;
    inhabited[i] = true;
    for (const user of users[i] as number[]) {
      if (inhabited[user]) continue;
      if ((table[user] as WireEntry).op === Op.Variant) ready.push(user);
      else {
        missing[user] = (missing[user] as number) - 1;
        if (missing[user] === 0) ready.push(user);
      }
    }
  }
  return inhabited;
}
