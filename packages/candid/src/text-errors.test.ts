import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { CandidError, parseCandidArgs, printCandidValues } from './index.js';

/** Runs `fn`, expecting a CandidError (ERR_CANDID_VALUE); returns it for further checks. */
function failure(fn: () => unknown): CandidError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CandidError);
    expect((err as CandidError).code).toBe('ERR_CANDID_VALUE');
    return err as CandidError;
  }
  throw new Error('expected a CandidError');
}

/** The message of the error `parseCandidArgs(text, types)` throws. */
function parseError(text: string, types: IDL.Type[]): string {
  return failure(() => parseCandidArgs(text, types)).message;
}

describe('parseCandidArgs type errors', () => {
  it('reports the position and what was expected', () => {
    expect(parseError('("x")', [IDL.Nat])).toBe('1:2: expected nat, found text "x"');
    expect(parseError('(1, 5)', [IDL.Nat, IDL.Text])).toBe('1:5: expected text, found number 5');
    expect(parseError('(\n  record { a = true })', [IDL.Record({ a: IDL.Nat })])).toBe(
      '2:16: expected nat, found true',
    );
    expect(parseError('(variant { ok })', [IDL.Variant({ ok: IDL.Nat })])).toBe(
      '1:12: expected nat, found null',
    );
  });

  it('rejects out-of-range and non-integer numbers', () => {
    expect(parseError('(256)', [IDL.Nat8])).toBe(
      '1:2: 256 is out of range for nat8: it must be between 0 and 255',
    );
    expect(parseError('(-1)', [IDL.Nat])).toBe(
      '1:2: -1 is out of range for nat: it must not be negative',
    );
    expect(parseError('(-129)', [IDL.Int8])).toBe(
      '1:2: -129 is out of range for int8: it must be between -128 and 127',
    );
    expect(parseError('(1.5)', [IDL.Int])).toBe(
      '1:2: expected int, found 1.5, which is not an integer',
    );
    expect(parseError('(5 : nat8)', [IDL.Nat])).toBe(
      '1:6: annotation nat8 does not fit the expected type nat',
    );
    expect(parseError('(300 : nat8)', [IDL.Reserved])).toBe(
      '1:2: 300 is out of range for nat8: it must be between 0 and 255',
    );
  });

  it('rejects unknown, duplicate and missing record fields', () => {
    const t = IDL.Record({ a: IDL.Nat, b: IDL.Text, c: IDL.Opt(IDL.Nat) });
    expect(parseError('(record { a = 1; b = "x"; d = 2 })', [t])).toBe(
      '1:27: unknown field "d" for record { a : nat; b : text; c : opt nat }',
    );
    expect(parseError('(record { a = 1; a = 2 })', [t])).toBe('1:18: field "a" is given twice');
    expect(parseError('(record { a = 1 })', [t])).toBe(
      '1:2: missing field b of record { a : nat; b : text; c : opt nat }',
    );
    expect(parseError('(record { 1; 2; 3 })', [IDL.Tuple(IDL.Nat, IDL.Nat)])).toMatch(
      /^1:17: unknown field 2 \(positional\)/,
    );
  });

  it('rejects unknown variant tags and malformed variants', () => {
    const t = IDL.Variant({ ok: IDL.Nat, err: IDL.Text });
    expect(parseError('(variant { nope = 1 })', [t])).toBe(
      '1:12: unknown variant tag "nope" for variant { ok : nat; err : text }',
    );
    expect(parseError('(variant { ok = 1; err = "x" })', [t])).toBe(
      '1:2: a variant value needs exactly one field, found 2',
    );
  });

  it('checks argument counts', () => {
    expect(parseError('(1, 2)', [IDL.Nat])).toBe('1:5: too many arguments: expected 1, found 2');
    expect(parseError('(1)', [IDL.Nat, IDL.Text])).toBe(
      '1:3: missing argument 2 of type text (expected 2 arguments, found 1)',
    );
    expect(parseError('1', [IDL.Nat, IDL.Nat])).toBe(
      '1:1: a value without parentheses needs exactly one argument type, but the method takes 2',
    );
  });

  it('rejects empty, wrong kinds for opt, principal and blob', () => {
    expect(parseError('(null)', [IDL.Empty])).toBe('1:2: no value has type empty');
    expect(parseError('(5)', [IDL.Opt(IDL.Opt(IDL.Nat))])).toBe(
      '1:2: expected opt opt nat, found number 5',
    );
    expect(parseError('(principal "not a principal")', [IDL.Principal])).toMatch(
      /^1:12: invalid principal "not a principal"/,
    );
    expect(parseError('("aaaaa-aa")', [IDL.Principal])).toBe(
      '1:2: expected principal, found text "aaaaa-aa"',
    );
    expect(parseError(String.raw`(blob "\ff")`, [IDL.Vec(IDL.Int8)])).toBe(
      '1:2: 255 is out of range for int8: it must be between -128 and 127',
    );
    expect(parseError(String.raw`("\ff")`, [IDL.Text])).toBe(
      '1:2: text literal is not valid UTF-8',
    );
  });
});

describe('parseCandidArgs syntax errors', () => {
  it('reports the position of bad tokens', () => {
    expect(parseError('(1 2)', [IDL.Nat])).toBe("1:4: expected ',' or ')', found '2'");
    expect(parseError('(record { a = 1 ', [IDL.Record({ a: IDL.Nat })])).toBe(
      "1:17: expected ';' or '}', found end of input",
    );
    expect(parseError('("abc', [IDL.Text])).toBe('1:2: unterminated text literal');
    expect(parseError(String.raw`("\q")`, [IDL.Text])).toBe('1:3: unknown escape \\q');
    expect(parseError(String.raw`("\u{D800}")`, [IDL.Text])).toBe('1:3: bad \\u{…} escape');
    expect(parseError('(12abc)', [IDL.Nat])).toBe('1:2: malformed number "12abc"');
    expect(parseError('(0x)', [IDL.Nat])).toBe('1:2: malformed number "0x"');
    expect(parseError('(#)', [IDL.Nat])).toBe('1:2: unexpected character "#"');
    expect(parseError('(/* open', [IDL.Nat])).toBe('1:2: unterminated block comment');
    expect(parseError('(1) x', [IDL.Nat])).toBe("1:5: expected end of input, found 'x'");
    expect(parseError('(foo)', [IDL.Nat])).toBe("1:2: expected a value, found 'foo'");
    expect(parseError('(5 : MyType)', [IDL.Nat])).toBe(
      "1:6: type name 'MyType' cannot be used in a value annotation; spell the type out",
    );
    expect(parseError('(record { 0x1_0000_0000 = 1 })', [IDL.Record({})])).toBe(
      '1:11: field id 0x1_0000_0000 does not fit in 32 bits',
    );
  });

  it('keeps the position on the error object', () => {
    const err = failure(() => parseCandidArgs('(\n  "x",\n  true\n)', [IDL.Text, IDL.Nat]));
    expect(err.position).toEqual({ line: 3, column: 3 });
  });
});

describe('printCandidValues errors', () => {
  it('rejects values that do not fit their type', () => {
    expect(failure(() => printCandidValues([IDL.Nat], ['5'])).message).toBe(
      'value "5" does not fit type nat',
    );
    expect(failure(() => printCandidValues([IDL.Record({ a: IDL.Nat })], [{}])).message).toBe(
      'record value lacks field a of record { a : nat }',
    );
    expect(failure(() => printCandidValues([IDL.Nat], [])).message).toBe(
      'printCandidValues: 1 types but 0 values',
    );
  });
});
