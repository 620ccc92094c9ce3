/**
 * Label helpers shared by the .did printer and parser. This file must stay free of Node APIs
 * (no TextEncoder, no Buffer): the printer that imports it runs inside a `node:vm` realm.
 */

/**
 * Words that would be read as syntax if printed bare. The spec reserves the keywords; we also
 * quote primitive type names, because quoting is always valid and keeps stricter parsers happy.
 */
const RESERVED = new Set([
  'type',
  'import',
  'service',
  'func',
  'opt',
  'vec',
  'record',
  'variant',
  'blob',
  'principal',
  'query',
  'composite_query',
  'oneway',
  'null',
  'bool',
  'text',
  'reserved',
  'empty',
  'nat',
  'nat8',
  'nat16',
  'nat32',
  'nat64',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'float32',
  'float64',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` can be printed without quotes. */
export function isPlainIdent(name: string): boolean {
  return IDENT.test(name) && !RESERVED.has(name);
}

/** Prints a field or method name: bare when it is an identifier, else as a text literal. */
export function printName(name: string): string {
  return isPlainIdent(name) ? name : quoteText(name);
}

/** Prints a Candid text literal; control characters use the `\u{..}` escape. */
export function quoteText(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Lone surrogates cannot be written as UTF-8 source, so they get an escape too.
    else if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff))
      out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * @dfinity/candid spells numeric field ids as `_123_` (or `_0x7b_`) JS keys; returns the id for
 * such keys, undefined for ordinary names. Mirrors the rule @dfinity/candid applies when hashing.
 */
export function numericLabel(key: string): number | undefined {
  const m = /^_(\d+|0x[0-9a-fA-F]+)_$/.exec(key);
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n >= 0 && n < 2 ** 32 ? n : undefined;
}

/** The Candid field id of a JS key: its numeric form, or the hash of its UTF-8 bytes. */
export function labelId(key: string): number {
  return numericLabel(key) ?? idlHash(key);
}

/** Candid's label hash over UTF-8 bytes, encoding by hand so no TextEncoder is needed. */
export function idlHash(name: string): number {
  let h = 0;
  const add = (byte: number): void => {
    h = (h * 223 + byte) % 2 ** 32;
  };
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) add(c);
    else if (c < 0x800) {
      add(0xc0 | (c >> 6));
      add(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      add(0xe0 | (c >> 12));
      add(0x80 | ((c >> 6) & 0x3f));
      add(0x80 | (c & 0x3f));
    } else {
      add(0xf0 | (c >> 18));
      add(0x80 | ((c >> 12) & 0x3f));
      add(0x80 | ((c >> 6) & 0x3f));
      add(0x80 | (c & 0x3f));
    }
  }
  return h;
}
