/**
 * Small IDL-type helpers shared by the textual-value parser, printer and JSON converter.
 * `instanceof` on IDL classes compares `typeName`, so these work across copies of @dfinity/candid.
 */
import { IDL } from '@dfinity/candid';
import { labelId, numericLabel, printName } from './labels.js';
import { valueError } from './text-lexer.js';

/** A record or variant field with its Candid id. */
export interface FieldInfo {
  readonly key: string;
  readonly id: number;
  readonly type: IDL.Type;
}

/** Follows `IDL.Rec` wrappers to the structural type. */
export function unrec(t: IDL.Type): IDL.Type {
  let cur = t;
  for (let guard = 0; cur instanceof IDL.RecClass; guard++) {
    const body = cur.getType();
    if (body === undefined || guard > 100)
      throw valueError('recursive type (IDL.Rec) was never filled');
    cur = body;
  }
  return cur;
}

/** Fields of a record or variant type, in id order. */
export function fieldsOf(t: IDL.RecordClass | IDL.VariantClass): FieldInfo[] {
  return t._fields.map(([key, type]) => ({ key, id: labelId(key), type }));
}

/** True for `IDL.Tuple(…)`, whose JS values are arrays rather than objects. */
export function isTupleType(t: IDL.Type): t is IDL.TupleClass<unknown[]> {
  return t instanceof IDL.TupleClass;
}

/** True when a record's fields are 0, 1, …, n-1, so it prints in the positional `record { a; b }` form. */
export function isTupleLike(fields: readonly FieldInfo[]): boolean {
  return fields.length > 0 && fields.every((f, i) => f.id === i);
}

/** True for `vec nat8` (`blob`). */
export function isBlobType(t: IDL.Type): boolean {
  return (
    t instanceof IDL.VecClass &&
    unrec(t._type) instanceof IDL.FixedNatClass &&
    (unrec(t._type) as IDL.FixedNatClass)._bits === 8
  );
}

/** `null <: t`: true for null, opt and reserved, the types a missing value can take. */
export function acceptsNull(t: IDL.Type): boolean {
  const u = unrec(t);
  return u instanceof IDL.NullClass || u instanceof IDL.OptClass || u instanceof IDL.ReservedClass;
}

/** The JS value a field or argument of type `t` takes when it is left out (`t` must accept null). */
export function absentValue(t: IDL.Type): unknown {
  return unrec(t) instanceof IDL.OptClass ? [] : null;
}

/** Candid syntax for `t`, shortened past `depth` levels; for error messages only. */
export function describeType(t: IDL.Type, depth = 2): string {
  const u = unrec(t);
  if (depth < 0) return '…';
  if (u instanceof IDL.VecClass)
    return isBlobType(u) ? 'blob' : `vec ${describeType(u._type, depth)}`;
  if (u instanceof IDL.OptClass) return `opt ${describeType(u._type, depth)}`;
  if (u instanceof IDL.RecordClass || u instanceof IDL.VariantClass) {
    const kind = u instanceof IDL.RecordClass ? 'record' : 'variant';
    if (depth === 0) return `${kind} {…}`;
    const items = fieldsOf(u).map((f) => `${printKey(f.key)} : ${describeType(f.type, depth - 1)}`);
    return items.length === 0 ? `${kind} {}` : `${kind} { ${items.join('; ')} }`;
  }
  if (u instanceof IDL.FuncClass) return 'func';
  if (u instanceof IDL.ServiceClass) return 'service';
  return u.name;
}

/** How a record/variant key prints: numeric ids (`_5_` in JS) as numbers, names bare or quoted. */
export function printKey(key: string): string {
  const id = numericLabel(key);
  return id === undefined ? printName(key) : String(id);
}

/** A JS value that does not fit the type being printed or converted. */
export function cannotShow(t: IDL.Type, value: unknown): Error {
  let shown: string;
  try {
    shown = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  return valueError(
    `value ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown} does not fit type ${describeType(t)}`,
  );
}

/** Values of a record's fields in `fields` order, from an object (by key) or an array (tuples). */
export function recordValues(t: IDL.RecordClass, value: unknown): Array<[FieldInfo, unknown]> {
  const fields = fieldsOf(t);
  if (typeof value !== 'object' || value === null) throw cannotShow(t, value);
  if (Array.isArray(value)) {
    if (!isTupleLike(fields) || value.length < fields.length) throw cannotShow(t, value);
    return fields.map((f, i) => [f, value[i]]);
  }
  return fields.map((f) => {
    if (!Object.hasOwn(value, f.key))
      throw valueError(`record value lacks field ${printKey(f.key)} of ${describeType(t)}`);
    return [f, (value as Record<string, unknown>)[f.key]];
  });
}

/** The chosen case of a variant value `{ Tag: payload }`. */
export function variantValue(t: IDL.VariantClass, value: unknown): [FieldInfo, unknown] {
  if (typeof value !== 'object' || value === null) throw cannotShow(t, value);
  const keys = Object.keys(value);
  const field = keys.length === 1 ? fieldsOf(t).find((f) => f.key === keys[0]) : undefined;
  if (field === undefined) throw cannotShow(t, value);
  return [field, (value as Record<string, unknown>)[field.key]];
}

/** Elements of a vec value: an array or any typed array (decoded `vec nat16` is a Uint16Array). */
export function vecValues(t: IDL.Type, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<unknown>);
  throw cannotShow(t, value);
}

/** An opt value, `[]` or `[v]`, as undefined or `{ some: v }`. */
export function optValue(t: IDL.Type, value: unknown): { some: unknown } | undefined {
  if (!Array.isArray(value) || value.length > 1) throw cannotShow(t, value);
  return value.length === 0 ? undefined : { some: value[0] };
}

/** An integer value (bigint or safe-integer number) as a bigint. */
export function integerValue(t: IDL.Type, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw cannotShow(t, value);
}

/** The text form of a principal-like value (anything with `toText()`, as `Principal` has). */
export function principalText(t: IDL.Type, value: unknown): string {
  const toText = (value as { toText?: unknown } | null)?.toText;
  if (typeof toText !== 'function') throw cannotShow(t, value);
  return String(toText.call(value));
}
