/**
 * Whether the wire types of a message fit the types a decoder expects (Candid subtyping, with
 * the rule that anything decodes as `opt t`). @dfinity/candid reads a `vec nat8` (and any vector
 * of fixed-width numbers) as raw bytes without looking at the element type on the wire, so
 * `vec null` or `vec int8` would come out as a blob; checking the types first closes that and
 * every other confusion of one type for another.
 */
import { IDL, idlLabelToId } from '@dfinity/candid';
import { decodeError } from './candid-error.js';
import { Op, refName, type WireEntry, type WireHeader } from './wire-table.js';

/** Throws `ERR_CANDID_DECODE` unless every argument's wire type fits its expected type. */
export function checkFit(header: WireHeader, expected: readonly IDL.Type[]): void {
  const fit = new Fit(header.table);
  const n = Math.min(expected.length, header.args.length);
  for (let i = 0; i < n; i++) {
    const want = expected[i] as IDL.Type;
    const wire = header.args[i] as number;
    if (!fit.fits(wire, want, false)) {
      throw decodeError(
        `argument ${i}: ${refName(wire, header.table)} on the wire does not fit the expected type ${shortDisplay(want)}`,
      );
    }
  }
  for (let i = n; i < expected.length; i++) {
    const want = unwrap(expected[i] as IDL.Type);
    if (!(
      want instanceof IDL.OptClass ||
      want instanceof IDL.ReservedClass ||
      want instanceof IDL.NullClass
    )) {
      throw decodeError(
        `argument ${i} of type ${shortDisplay(want)} is missing (the message has ${header.args.length})`,
      );
    }
  }
}

function shortDisplay(t: IDL.Type): string {
  const text = t.display();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function unwrap(t: IDL.Type): IDL.Type {
  // A recursive type unwraps to its body; a chain of them is as long as the canister made it.
  let u = t;
  for (let hops = 0; hops < 64 && u instanceof IDL.RecClass; hops++) {
    const inner = u.getType();
    if (inner === undefined) return u;
    u = inner;
  }
  return u;
}

class Fit {
  readonly #table: readonly WireEntry[];
  /** Per expected type, per wire type and mode: the answer, or `true` while it is being computed. */
  readonly #memo = new Map<IDL.Type, Map<number, boolean>>();

  constructor(table: readonly WireEntry[]) {
    this.#table = table;
  }

  /**
   * Whether wire type `w` fits `e`. `lax` answers what @dfinity/candid's decoder would accept
   * instead: there a vector of fixed-width integers takes any vector.
   */
  fits(w: number, expected: IDL.Type, lax: boolean): boolean {
    const e = unwrap(expected);
    let byWire = this.#memo.get(e);
    if (byWire === undefined) {
      byWire = new Map();
      this.#memo.set(e, byWire);
    }
    const key = lax ? -w - 1000 : w;
    const known = byWire.get(key);
    // A pair met again while it is being checked holds (subtyping of recursive types is coinductive).
    if (known !== undefined) return known;
    byWire.set(key, true);
    const answer = this.#check(w, e, lax);
    byWire.set(key, answer);
    return answer;
  }

  #check(w: number, e: IDL.Type, lax: boolean): boolean {
    if (e instanceof IDL.ReservedClass || e instanceof IDL.UnknownClass) return true;
    const entry = w >= 0 ? this.#table[w] : undefined;
    if (e instanceof IDL.OptClass) {
      if (w === Op.Null || w === Op.Reserved) return true;
      // Any value decodes as `opt t` (an `opt u` by its content): as the value when it fits t,
      // else as none. @dfinity/candid would decode some misfits as values (its subtype check
      // also takes `vec null` for `vec nat8`), so those are refused instead.
      const u = entry?.op === Op.Opt ? (entry.refs[0] as number) : w;
      return this.fits(u, e._type, false) || !this.fits(u, e._type, true);
    }
    if (entry === undefined) return primitiveFits(w, e);
    if (e instanceof IDL.VecClass) {
      if (entry.op !== Op.Vec) return false;
      if (lax && isFixedWidth(unwrap(e._type))) return true;
      return this.fits(entry.refs[0] as number, e._type, lax);
    }
    if (e instanceof IDL.RecordClass) return entry.op === Op.Record && this.#record(entry, e, lax);
    if (e instanceof IDL.VariantClass)
      return entry.op === Op.Variant && this.#variant(entry, e, lax);
    if (e instanceof IDL.FuncClass) return entry.op === Op.Func;
    if (e instanceof IDL.ServiceClass) return entry.op === Op.Service;
    return false;
  }

  #record(entry: WireEntry, e: IDL.RecordClass, lax: boolean): boolean {
    let k = 0;
    for (const [label, type] of e._fields) {
      const id = idlLabelToId(label);
      while (k < entry.ids.length && (entry.ids[k] as number) < id) k++;
      if (entry.ids[k] === id) {
        if (!this.fits(entry.refs[k] as number, type, lax)) return false;
      } else {
        const t = unwrap(type);
        if (!(t instanceof IDL.OptClass || t instanceof IDL.ReservedClass)) return false;
      }
    }
    return true;
  }

  #variant(entry: WireEntry, e: IDL.VariantClass, lax: boolean): boolean {
    // Cases the expected type lacks fail when (and only if) a value uses them.
    let k = 0;
    for (const [label, type] of e._fields) {
      const id = idlLabelToId(label);
      while (k < entry.ids.length && (entry.ids[k] as number) < id) k++;
      if (entry.ids[k] === id && !this.fits(entry.refs[k] as number, type, lax)) return false;
    }
    return true;
  }
}

function primitiveFits(w: number, e: IDL.Type): boolean {
  if (e instanceof IDL.NullClass) return w === Op.Null;
  if (e instanceof IDL.BoolClass) return w === Op.Bool;
  if (e instanceof IDL.NatClass) return w === Op.Nat;
  if (e instanceof IDL.IntClass) return w === Op.Int || w === Op.Nat;
  if (e instanceof IDL.TextClass) return w === Op.Text;
  if (e instanceof IDL.PrincipalClass) return w === Op.Principal;
  if (e instanceof IDL.EmptyClass) return w === Op.Empty;
  if (e instanceof IDL.FloatClass) return w === (e._bits === 32 ? Op.Float32 : Op.Float64);
  if (e instanceof IDL.FixedNatClass) return w === FIXED_NAT[e._bits];
  if (e instanceof IDL.FixedIntClass) return w === FIXED_INT[e._bits];
  return false;
}

const FIXED_NAT: Record<number, number> = { 8: Op.Nat8, 16: Op.Nat16, 32: Op.Nat32, 64: Op.Nat64 };
const FIXED_INT: Record<number, number> = { 8: Op.Int8, 16: Op.Int16, 32: Op.Int32, 64: Op.Int64 };

function isFixedWidth(t: IDL.Type): boolean {
  return t instanceof IDL.FixedNatClass || t instanceof IDL.FixedIntClass;
}
