/**
 * Walks the values of a binary Candid message by their wire types, without building them: every
 * length is checked against the input, text must be UTF-8, bools 0 or 1, variant tags in range,
 * and each value costs one unit of a quota proportional to the message size. A message that
 * passes can be decoded by any decoder in time linear in its size.
 */
import { decodeError } from './candid-error.js';
import type { CandidLimits } from './candid-limits.js';
import { isUtf8, readByte, readSmallLeb, skipBytes, skipNumber, type Cursor } from './wire-read.js';
import { Op, refName, type WireEntry, type WireHeader } from './wire-table.js';

/** Bytes of a principal: 29 is the longest the IC issues. */
const MAX_PRINCIPAL_BYTES = 29;
const MAX_LENGTH = 2 ** 32 - 1;

/** Checks every value of `bytes` (whose header is `header`); throws `ERR_CANDID_DECODE`. */
export function checkValues(bytes: Uint8Array, header: WireHeader, limits: CandidLimits): void {
  const walker = new Walker(bytes, header, limits);
  walker.c.offset = header.valueOffset;
  for (let i = 0; i < header.args.length; i++) walker.value(header.args[i] as number, 0);
  if (walker.c.offset !== bytes.length)
    throw decodeError(`${bytes.length - walker.c.offset} bytes left over after the last argument`);
}

class Walker {
  readonly c: Cursor;
  readonly #table: readonly WireEntry[];
  readonly #inhabited: readonly boolean[];
  readonly #limits: CandidLimits;
  #quota: number;

  constructor(bytes: Uint8Array, header: WireHeader, limits: CandidLimits) {
    this.c = { bytes, offset: 0 };
    this.#table = header.table;
    this.#inhabited = header.inhabited;
    this.#limits = limits;
    this.#quota = limits.quotaBase + limits.quotaPerByte * bytes.length - header.valueOffset;
  }

  #charge(units: number): void {
    this.#quota -= units;
    if (this.#quota < 0)
      throw decodeError(
        `decoding exceeds its quota (${this.#limits.quotaPerByte} units per message byte plus ${this.#limits.quotaBase}): too many values for the size of the message`,
      );
  }

  value(t: number, depth: number): void {
    this.#charge(1);
    const c = this.c;
    if (t < 0) {
      this.#primitive(t);
      return;
    }
    const entry = this.#table[t] as WireEntry;
    if (depth >= this.#limits.maxDepth)
      throw decodeError(`values are nested deeper than the limit of ${this.#limits.maxDepth}`);
    switch (entry.op) {
      case Op.Opt: {
        const tag = readByte(c, 'an opt tag');
        if (tag === 1) this.value(entry.refs[0] as number, depth + 1);
        else if (tag !== 0) throw decodeError(`opt tag ${tag} is neither 0 nor 1`);
        return;
      }
      case Op.Vec: {
        const n = readSmallLeb(c, MAX_LENGTH, 'a vec length');
        const elem = entry.refs[0] as number;
        const size = fixedSize(elem);
        if (size > 0) {
          skipBytes(c, n * size, `a vec of ${refName(elem, this.#table)}`);
          this.#charge(n);
          return;
        }
        // Each element costs at least one unit: a length over the quota fails before the loop.
        this.#charge(n);
        for (let i = 0; i < n; i++) this.value(elem, depth + 1);
        return;
      }
      case Op.Record:
        for (const ref of entry.refs) this.value(ref, depth + 1);
        return;
      case Op.Variant: {
        const tag = readSmallLeb(c, MAX_LENGTH, 'a variant tag');
        const ref = entry.refs[tag];
        if (ref === undefined)
          throw decodeError(
            `variant tag ${tag} is out of range (the variant has ${entry.refs.length} cases)`,
          );
        if (ref >= 0 && !this.#inhabited[ref])
          throw decodeError(`variant case ${tag} has no finite value`);
        this.value(ref, depth + 1);
        return;
      }
      case Op.Func:
        if (readByte(c, 'a func reference') !== 1)
          throw decodeError('opaque function references are not supported');
        this.#principal();
        this.#text();
        return;
      case Op.Service:
        this.#principal();
        return;
    }
  }

  #primitive(t: number): void {
    const c = this.c;
    switch (t) {
      case Op.Null:
      case Op.Reserved:
        return;
      case Op.Bool: {
        const b = readByte(c, 'a bool');
        if (b > 1) throw decodeError(`bool value ${b} is neither 0 nor 1`);
        return;
      }
      case Op.Nat:
      case Op.Int:
        skipNumber(c, this.#limits.maxNumberBytes);
        return;
      case Op.Text:
        this.#text();
        return;
      case Op.Principal:
        this.#principal();
        return;
      case Op.Empty:
        throw decodeError('a value of type empty cannot exist');
      default:
        skipBytes(c, fixedSize(t), refName(t, this.#table));
    }
  }

  #text(): void {
    const c = this.c;
    const len = readSmallLeb(c, MAX_LENGTH, 'a text length');
    const start = c.offset;
    skipBytes(c, len, 'a text');
    this.#charge(len >> 4);
    if (!isUtf8(c.bytes, start, c.offset)) throw decodeError('text is not valid UTF-8');
  }

  #principal(): void {
    const c = this.c;
    const flag = readByte(c, 'a principal');
    if (flag !== 1)
      throw decodeError(
        flag === 0
          ? 'opaque principal references are not supported'
          : `principal flag ${flag} is not 1`,
      );
    const len = readSmallLeb(c, MAX_PRINCIPAL_BYTES, 'a principal length');
    skipBytes(c, len, 'a principal');
  }
}

/** Bytes of a fixed-width number type; 0 for every other type. */
function fixedSize(t: number): number {
  switch (t) {
    case Op.Nat8:
    case Op.Int8:
      return 1;
    case Op.Nat16:
    case Op.Int16:
      return 2;
    case Op.Nat32:
    case Op.Int32:
    case Op.Float32:
      return 4;
    case Op.Nat64:
    case Op.Int64:
    case Op.Float64:
      return 8;
    default:
      return 0;
  }
}
