/**
 * JS values → Candid textual values, in the style dfx prints replies: numbers carry their type
 * (`5 : nat`, `1_000 : nat64`), `vec nat8` prints as `blob "…"`, tuples as `record { a; b }`.
 * Accepts what `IDL.decode` returns (typed arrays for `vec natN`, arrays for tuples) as well as
 * what `parseCandidArgs` produces. Output is deterministic and parses back with `parseCandidArgs`.
 */
import { IDL } from '@dfinity/candid';
import { printName, quoteText } from './labels.js';
import {
  cannotShow,
  fieldsOf,
  integerValue,
  isBlobType,
  isTupleLike,
  optValue,
  principalText,
  printKey,
  recordValues,
  unrec,
  variantValue,
  vecValues,
} from './text-idl.js';
import { valueError } from './text-lexer.js';

/** Blocks longer than this are broken over several lines, one item per line. */
const MAX_INLINE = 80;

/**
 * Prints `values` at `types` as a parenthesized argument sequence, e.g. `(5 : nat, "x")` or
 * `(record { a = 1 : nat; b = "x" })`. Long records, variants and vecs break over several lines
 * with two-space indentation. Throws `CandidError` (ERR_CANDID_VALUE) when a value does not fit.
 */
export function printCandidValues(types: IDL.Type[], values: unknown[]): string {
  if (types.length !== values.length) {
    throw valueError(`printCandidValues: ${types.length} types but ${values.length} values`);
  }
  const items = types.map((t, i) => printCandidValue(t, values[i]));
  const inline = `(${items.join(', ')})`;
  if (!inline.includes('\n') && inline.length <= MAX_INLINE) return inline;
  return `(\n${items.map((item) => `${indent(item)},`).join('\n')}\n)`;
}

/** Prints one value at type `type`, without the surrounding parentheses. */
export function printCandidValue(type: IDL.Type, value: unknown): string {
  const t = unrec(type);
  if (isNumberType(t)) return `${printNumber(t, value)} : ${t.name}`;
  if (t instanceof IDL.TextClass) {
    if (typeof value !== 'string') throw cannotShow(t, value);
    return quoteText(wellFormed(value));
  }
  if (t instanceof IDL.BoolClass) {
    if (typeof value !== 'boolean') throw cannotShow(t, value);
    return String(value);
  }
  if (t instanceof IDL.NullClass || t instanceof IDL.ReservedClass) return 'null';
  if (t instanceof IDL.PrincipalClass) return `principal ${quoteText(principalText(t, value))}`;
  if (t instanceof IDL.ServiceClass) return `service ${quoteText(principalText(t, value))}`;
  if (t instanceof IDL.FuncClass) {
    if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'string')
      throw cannotShow(t, value);
    return `func ${quoteText(principalText(t, value[0]))}.${printName(value[1])}`;
  }
  if (t instanceof IDL.OptClass) {
    const opt = optValue(t, value);
    if (opt === undefined) return 'null';
    const inner = printCandidValue(t._type, opt.some);
    // `opt 5 : nat` would read as `(opt 5) : nat`; the parentheses keep the annotation inside.
    return isNumberType(unrec(t._type)) ? `opt (${inner})` : `opt ${inner}`;
  }
  if (t instanceof IDL.VecClass) {
    if (isBlobType(t)) return `blob ${printBlob(t, value)}`;
    return block(
      'vec',
      vecValues(t, value).map((item) => printCandidValue(t._type, item)),
    );
  }
  if (t instanceof IDL.RecordClass) {
    const entries = recordValues(t, value);
    if (isTupleLike(fieldsOf(t)))
      return block(
        'record',
        entries.map(([f, v]) => printCandidValue(f.type, v)),
      );
    return block(
      'record',
      entries.map(([f, v]) => `${printKey(f.key)} = ${printCandidValue(f.type, v)}`),
    );
  }
  if (t instanceof IDL.VariantClass) {
    const [field, payload] = variantValue(t, value);
    if (unrec(field.type) instanceof IDL.NullClass) return `variant { ${printKey(field.key)} }`;
    return block('variant', [`${printKey(field.key)} = ${printCandidValue(field.type, payload)}`]);
  }
  throw cannotShow(t, value);
}

type NumberType =
  IDL.NatClass | IDL.IntClass | IDL.FixedNatClass | IDL.FixedIntClass | IDL.FloatClass;

function isNumberType(t: IDL.Type): t is NumberType {
  return (
    t instanceof IDL.NatClass ||
    t instanceof IDL.IntClass ||
    t instanceof IDL.FixedNatClass ||
    t instanceof IDL.FixedIntClass ||
    t instanceof IDL.FloatClass
  );
}

function printNumber(t: NumberType, value: unknown): string {
  if (t instanceof IDL.FloatClass) {
    if (typeof value !== 'number') throw cannotShow(t, value);
    return printFloat(value, t._bits);
  }
  return groupDigits(integerValue(t, value));
}

/** `1234567` → `1_234_567`, as dfx prints integers. */
function groupDigits(n: bigint): string {
  const digits = (n < 0n ? -n : n).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+$)/g, '_');
  return n < 0n ? `-${grouped}` : grouped;
}

/** Shortest text that reads back as the same float; float32 values use float32 precision. */
function printFloat(x: number, bits: number): string {
  // A float32 travels as Math.fround(x), so print that (which may overflow to inf or round to -0).
  const v = bits === 32 ? Math.fround(x) : x;
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Object.is(v, -0)) return '-0';
  if (bits === 32) {
    for (let p = 1; p < 9; p++) {
      const short = Number(v.toPrecision(p));
      if (Math.fround(short) === v) return String(short);
    }
  }
  return String(v);
}

/** `"…"` with printable ASCII kept and every other byte as `\HH`. */
function printBlob(t: IDL.Type, value: unknown): string {
  let bytes: Uint8Array;
  if (value instanceof Uint8Array) bytes = value;
  else if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b < 256))
    bytes = Uint8Array.from(value as number[]);
  else throw cannotShow(t, value);
  let out = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** Lone surrogates cannot travel in Candid text (the encoder sends U+FFFD), so print that. */
function wellFormed(s: string): string {
  return s.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** `keyword { a; b }` on one line when short, otherwise one item per line. */
function block(keyword: string, items: string[]): string {
  if (items.length === 0) return `${keyword} {}`;
  const inline = `${keyword} { ${items.join('; ')} }`;
  if (!inline.includes('\n') && inline.length <= MAX_INLINE) return inline;
  return `${keyword} {\n${items.map((item) => `${indent(item)};`).join('\n')}\n}`;
}

/** Adds two spaces before every line of `text`. */
function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
