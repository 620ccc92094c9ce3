/**
 * Candid values → plain JSON, for `--output json`. Unlike the textual form this loses some type
 * information (an `opt opt` null and a plain null look alike), but every value serializes with
 * `JSON.stringify` and reads naturally from other tools.
 */
import { IDL } from '@dfinity/candid';
import {
  cannotShow,
  fieldsOf,
  integerValue,
  isBlobType,
  isTupleLike,
  optValue,
  principalText,
  recordValues,
  unrec,
  variantValue,
  vecValues,
} from './text-idl.js';
import { numericLabel } from './labels.js';
import { valueError } from './text-lexer.js';

/** What `candidValuesToJson` produces: values `JSON.stringify` handles without loss. */
export type CandidJson =
  null | boolean | number | string | CandidJson[] | { [key: string]: CandidJson };

/**
 * Converts `values` (as decoded or as `parseCandidArgs` returns them) to JSON-friendly data:
 * nat/int/nat64/int64 → decimal strings (smaller integers stay numbers), floats → numbers
 * (`"NaN"`, `"Infinity"`, `"-Infinity"` for the non-finite ones), principal and service →
 * principal text, func → `[principal, method]`, blob → lowercase hex string, other vecs →
 * arrays, opt → `null` or the value, null/reserved → `null`, records → objects keyed by field
 * name (numeric ids as decimal strings) or arrays when the fields are 0…n-1 (tuples), variants
 * → `{ Tag: value }`. Throws `CandidError` (ERR_CANDID_VALUE) when a value does not fit its type.
 */
export function candidValuesToJson(types: IDL.Type[], values: unknown[]): CandidJson[] {
  if (types.length !== values.length) {
    throw valueError(`candidValuesToJson: ${types.length} types but ${values.length} values`);
  }
  return types.map((t, i) => candidValueToJson(t, values[i]));
}

/** Converts one value at type `type`; see `candidValuesToJson`. */
export function candidValueToJson(type: IDL.Type, value: unknown): CandidJson {
  const t = unrec(type);
  if (t instanceof IDL.NatClass || t instanceof IDL.IntClass)
    return integerValue(t, value).toString();
  if (t instanceof IDL.FixedNatClass || t instanceof IDL.FixedIntClass) {
    const n = integerValue(t, value);
    return t._bits <= 32 ? Number(n) : n.toString();
  }
  if (t instanceof IDL.FloatClass) {
    if (typeof value !== 'number') throw cannotShow(t, value);
    return Number.isFinite(value) ? value : String(value);
  }
  if (t instanceof IDL.TextClass || t instanceof IDL.BoolClass) {
    if (typeof value !== (t instanceof IDL.TextClass ? 'string' : 'boolean'))
      throw cannotShow(t, value);
    return value as string | boolean;
  }
  if (t instanceof IDL.NullClass || t instanceof IDL.ReservedClass) return null;
  if (t instanceof IDL.PrincipalClass || t instanceof IDL.ServiceClass)
    return principalText(t, value);
  if (t instanceof IDL.FuncClass) {
    if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string')
      throw cannotShow(t, value);
    return [principalText(t, value[0]), value[1]];
  }
  if (t instanceof IDL.OptClass) {
    const opt = optValue(t, value);
    return opt === undefined ? null : candidValueToJson(t._type, opt.some);
  }
  if (t instanceof IDL.VecClass) {
    const items = vecValues(t, value);
    if (!isBlobType(t)) return items.map((item) => candidValueToJson(t._type, item));
    return items
      .map((b) => Number(integerValue(t._type, b)).toString(16).padStart(2, '0'))
      .join('');
  }
  if (t instanceof IDL.RecordClass) {
    const entries = recordValues(t, value);
    if (isTupleLike(fieldsOf(t))) return entries.map(([f, v]) => candidValueToJson(f.type, v));
    return Object.fromEntries(
      entries.map(([f, v]) => [jsonKey(f.key), candidValueToJson(f.type, v)]),
    );
  }
  if (t instanceof IDL.VariantClass) {
    const [field, payload] = variantValue(t, value);
    return { [jsonKey(field.key)]: candidValueToJson(field.type, payload) };
  }
  throw cannotShow(t, value);
}

/** Field names as written; numeric ids (`_5_` in JS) as `"5"`. */
function jsonKey(key: string): string {
  const id = numericLabel(key);
  return id === undefined ? key : String(id);
}
