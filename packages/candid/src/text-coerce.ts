/**
 * Candid coercion `C[t1 <: t2]` on JS values, used for annotated values such as `(5 : nat)` passed
 * where an `int` or `opt nat` is expected: the value is read at its annotated type, then coerced
 * to the expected one following the spec's rules (nat → int, anything → reserved, the opt rules,
 * records dropping extra fields and filling absent optional ones, variants by tag id).
 */
import { IDL } from '@dfinity/candid';
import { absentValue, acceptsNull, fieldsOf, isBlobType, isTupleType, unrec } from './text-idl.js';
import { valueError } from './text-lexer.js';

/** True when `a <: b`; skips @dfinity/candid's global cache for the common identical case. */
export function isSubtype(a: IDL.Type, b: IDL.Type): boolean {
  if (!(a instanceof IDL.RecClass) && !(b instanceof IDL.RecClass) && a.name === b.name)
    return true;
  return IDL.subtype(a, b);
}

/** Coerces `value`, a JS value of type `from`, to type `to`. Requires `from <: to`. */
export function coerceValue(value: unknown, from: IDL.Type, to: IDL.Type): unknown {
  const a = unrec(from);
  const e = unrec(to);
  if (e instanceof IDL.ReservedClass) return null;
  if (e instanceof IDL.OptClass) return coerceOpt(value, a, e);
  if (e instanceof IDL.VecClass && a instanceof IDL.VecClass) {
    const items = Array.from(value as ArrayLike<unknown>, (item) =>
      coerceValue(item, a._type, e._type),
    );
    return isBlobType(e) ? Uint8Array.from(items as number[]) : items;
  }
  if (e instanceof IDL.RecordClass && a instanceof IDL.RecordClass)
    return coerceRecord(value, a, e);
  if (e instanceof IDL.VariantClass && a instanceof IDL.VariantClass) {
    const [key, payload] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    const source = fieldsOf(a).find((f) => f.key === key);
    const target = source && fieldsOf(e).find((f) => f.id === source.id);
    if (!source || !target)
      throw valueError(`cannot coerce variant tag ${String(key)} to ${e.name}`);
    return { [target.key]: coerceValue(payload, source.type, target.type) };
  }
  // Primitives, principals, funcs and services keep their JS form (nat → int stays a bigint).
  return value;
}

function coerceOpt(value: unknown, a: IDL.Type, e: IDL.OptClass<unknown>): unknown {
  if (a instanceof IDL.NullClass || a instanceof IDL.ReservedClass) return [];
  if (a instanceof IDL.OptClass) {
    const inner = value as unknown[];
    if (inner.length === 0 || !isSubtype(a._type, e._type)) return [];
    return [coerceValue(inner[0], a._type, e._type)];
  }
  // A plain value at an opt type becomes `opt v` when it fits, else null.
  if (!acceptsNull(e._type) && isSubtype(a, e._type)) return [coerceValue(value, a, e._type)];
  return [];
}

function coerceRecord(value: unknown, a: IDL.RecordClass, e: IDL.RecordClass): unknown {
  const sourceFields = fieldsOf(a);
  const read = (key: string, index: number): unknown =>
    Array.isArray(value) ? value[index] : (value as Record<string, unknown>)[key];
  const out = fieldsOf(e).map((target): [string, unknown] => {
    const index = sourceFields.findIndex((f) => f.id === target.id);
    const source = sourceFields[index];
    if (source === undefined) return [target.key, absentValue(target.type)];
    return [target.key, coerceValue(read(source.key, index), source.type, target.type)];
  });
  return isTupleType(e) ? out.map(([, v]) => v) : Object.fromEntries(out);
}
