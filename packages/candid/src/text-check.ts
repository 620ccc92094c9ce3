/**
 * Type-directed reading of parsed textual values: walks the tree from text-parser.ts against the
 * expected IDL types and builds the JS values `IDL.encode` takes (bigint for nat/int/nat64/int64,
 * number for the smaller sizes and floats, `[]`/`[v]` for opt, Uint8Array for blobs, …).
 */
import { IDL } from '@dfinity/candid';
import { describeValue, type ValueAst } from './text-ast.js';
import { coerceValue, isSubtype } from './text-coerce.js';
import {
  absentValue,
  acceptsNull,
  describeType,
  fieldsOf,
  isBlobType,
  isTupleType,
  printKey,
  unrec,
} from './text-idl.js';
import { valueError } from './text-lexer.js';
import { parseArgsAst } from './text-parser.js';

/**
 * Parses a textual Candid argument sequence such as `(5 : nat, "x", record { a = opt 1 })`,
 * reading each value at the matching type of `types`. A single value may be given without
 * parentheses when `types` has exactly one entry; empty input means `()`. Trailing arguments
 * of type opt, null or reserved may be left out. Returns values ready for `IDL.encode(types, …)`.
 *
 * Throws `CandidError` with code `ERR_CANDID_VALUE` and a `line:column` position for syntax
 * errors and for values that do not fit their type (wrong kind, out of range, unknown or missing
 * record field, unknown variant tag, annotation that does not match).
 */
export function parseCandidArgs(text: string, types: IDL.Type[]): unknown[] {
  const ast = parseArgsAst(text);
  const n = ast.values.length;
  const first = ast.values[0];
  if (!ast.parenthesized && first !== undefined && types.length !== 1) {
    throw valueError(
      `a value without parentheses needs exactly one argument type, but the method takes ${types.length}`,
      first.pos,
    );
  }
  const extra = ast.values[types.length];
  if (extra !== undefined)
    throw valueError(`too many arguments: expected ${types.length}, found ${n}`, extra.pos);
  return types.map((type, i) => {
    const value = ast.values[i];
    if (value !== undefined) return checkValue(value, type);
    if (acceptsNull(type)) return absentValue(type);
    throw valueError(
      `missing argument ${i + 1} of type ${describeType(type)} (expected ${types.length} arguments, found ${n})`,
      ast.end,
    );
  });
}

/** Reads one parsed value at type `expected`. Throws `CandidError` (ERR_CANDID_VALUE). */
export function checkValue(v: ValueAst, expected: IDL.Type): unknown {
  const t = unrec(expected);
  if (v.kind === 'annotated') return checkAnnotated(v, t);
  if (t instanceof IDL.ReservedClass) return null;
  if (t instanceof IDL.OptClass) return checkOpt(v, t);
  if (
    t instanceof IDL.NatClass ||
    t instanceof IDL.IntClass ||
    t instanceof IDL.FixedNatClass ||
    t instanceof IDL.FixedIntClass
  ) {
    return checkInteger(v, t);
  }
  if (t instanceof IDL.FloatClass) return checkFloat(v, t);
  switch (v.kind) {
    case 'text':
      if (!(t instanceof IDL.TextClass)) break;
      if (v.text === undefined) throw valueError('text literal is not valid UTF-8', v.pos);
      return v.text;
    case 'bool':
      if (t instanceof IDL.BoolClass) return v.value;
      break;
    case 'null':
      if (t instanceof IDL.NullClass) return null;
      break;
    case 'principal':
      if (t instanceof IDL.PrincipalClass) return v.principal;
      break;
    case 'service':
      if (t instanceof IDL.ServiceClass) return v.principal;
      break;
    case 'func':
      if (t instanceof IDL.FuncClass) return [v.principal, v.method];
      break;
    case 'vec':
      if (t instanceof IDL.VecClass) return checkVec(v.items, t);
      break;
    case 'blob':
      if (t instanceof IDL.VecClass) {
        if (isBlobType(t)) return v.bytes.slice();
        return checkVec(
          Array.from(v.bytes, (byte) => ({ kind: 'number', text: String(byte), pos: v.pos })),
          t,
        );
      }
      break;
    case 'record':
      if (t instanceof IDL.RecordClass) return checkRecord(v, t);
      break;
    case 'variant':
      if (t instanceof IDL.VariantClass) return checkVariant(v, t);
      break;
    default:
      break;
  }
  throw mismatch(v, t);
}

function mismatch(v: ValueAst, t: IDL.Type): Error {
  if (t instanceof IDL.EmptyClass) return valueError('no value has type empty', v.pos);
  return valueError(`expected ${describeType(t)}, found ${describeValue(v)}`, v.pos);
}

/** `v : A` where `expected` is wanted: read at A, check `A <: expected`, then coerce. */
function checkAnnotated(v: Extract<ValueAst, { kind: 'annotated' }>, expected: IDL.Type): unknown {
  const annotation = unrec(v.type);
  // `opt 5 : nat` is strictly `(opt 5) : nat`, which can never type-check; read it as `opt (5 : nat)`.
  if (
    v.value.kind === 'opt' &&
    expected instanceof IDL.OptClass &&
    !(annotation instanceof IDL.OptClass) &&
    !(annotation instanceof IDL.ReservedClass)
  ) {
    return [checkValue({ ...v, value: v.value.value }, expected._type)];
  }
  if (!isSubtype(annotation, expected)) {
    throw valueError(
      `annotation ${describeType(annotation)} does not fit the expected type ${describeType(expected)}`,
      v.typePos,
    );
  }
  return coerceValue(checkValue(v.value, annotation), annotation, expected);
}

/** `null`, `opt v`, or (the spec's coercion for a plain value) `v` meaning `opt v`. */
function checkOpt(v: ValueAst, t: IDL.OptClass<unknown>): unknown {
  if (v.kind === 'null') return [];
  if (v.kind === 'opt') return [checkValue(v.value, t._type)];
  if (acceptsNull(t._type)) throw mismatch(v, t);
  return [checkValue(v, t._type)];
}

function checkVec(items: readonly ValueAst[], t: IDL.VecClass<unknown>): unknown {
  const values = items.map((item) => checkValue(item, t._type));
  return isBlobType(t) ? Uint8Array.from(values as number[]) : values;
}

function checkRecord(v: Extract<ValueAst, { kind: 'record' }>, t: IDL.RecordClass): unknown {
  const fields = fieldsOf(t);
  const byId = new Map(fields.map((f) => [f.id, f]));
  const values = new Map<string, unknown>();
  let nextId = 0;
  for (const fv of v.fields) {
    const id = fv.label?.id ?? nextId;
    nextId = id + 1;
    const field = byId.get(id);
    const shown = fv.label?.display ?? `${id} (positional)`;
    if (field === undefined)
      throw valueError(`unknown field ${shown} for ${describeType(t)}`, fv.pos);
    if (values.has(field.key)) throw valueError(`field ${shown} is given twice`, fv.pos);
    values.set(field.key, checkValue(fv.value, field.type));
  }
  for (const f of fields) {
    if (values.has(f.key)) continue;
    if (!acceptsNull(f.type))
      throw valueError(`missing field ${printKey(f.key)} of ${describeType(t)}`, v.pos);
    values.set(f.key, absentValue(f.type));
  }
  if (isTupleType(t)) return fields.map((f) => values.get(f.key));
  return Object.fromEntries(fields.map((f) => [f.key, values.get(f.key)]));
}

function checkVariant(v: Extract<ValueAst, { kind: 'variant' }>, t: IDL.VariantClass): unknown {
  const { label, value, pos } = v.field;
  const field = fieldsOf(t).find((f) => f.id === label?.id);
  if (field === undefined)
    throw valueError(`unknown variant tag ${label?.display ?? '?'} for ${describeType(t)}`, pos);
  return { [field.key]: checkValue(value, field.type) };
}

type IntegerType = IDL.NatClass | IDL.IntClass | IDL.FixedNatClass | IDL.FixedIntClass;

/** Integer literal at an integer type, with range checks; bigint for nat/int/64-bit, else number. */
function checkInteger(v: ValueAst, t: IntegerType): bigint | number {
  if (v.kind !== 'number') throw mismatch(v, t);
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|[0-9_]+)$/.exec(v.text);
  if (m === null)
    throw valueError(`expected ${t.name}, found ${v.text}, which is not an integer`, v.pos);
  const magnitude = BigInt((m[2] as string).replaceAll('_', ''));
  const n = m[1] === '-' ? -magnitude : magnitude;
  const bits =
    t instanceof IDL.FixedNatClass || t instanceof IDL.FixedIntClass ? t._bits : undefined;
  const signed = t instanceof IDL.IntClass || t instanceof IDL.FixedIntClass;
  const min = !signed ? 0n : bits === undefined ? undefined : -(1n << BigInt(bits - 1));
  const max = bits === undefined ? undefined : (1n << BigInt(signed ? bits - 1 : bits)) - 1n;
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    const range =
      max === undefined ? 'it must not be negative' : `it must be between ${min} and ${max}`;
    throw valueError(`${v.text} is out of range for ${t.name}: ${range}`, v.pos);
  }
  return bits !== undefined && bits <= 32 ? Number(n) : n;
}

/** Any numeric literal at a float type: decimal, hex (`0x1.8p3`), integer, `inf` or `nan`. */
function checkFloat(v: ValueAst, t: IDL.FloatClass): number {
  if (v.kind !== 'number') throw mismatch(v, t);
  const text = v.text.replaceAll('_', '');
  const special = /^([+-]?)(inf|nan)$/.exec(text);
  if (special) return special[2] === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/.exec(text);
  if (hex) {
    const frac = hex[3] ?? '';
    const mantissa = Number(BigInt(`0x${hex[2] ?? ''}${frac}`));
    const value = mantissa * 2 ** (Number(hex[4] ?? 0) - 4 * frac.length);
    return hex[1] === '-' ? -value : value;
  }
  const value = Number(text);
  if (Number.isNaN(value)) throw valueError(`malformed number ${v.text}`, v.pos);
  return value;
}
