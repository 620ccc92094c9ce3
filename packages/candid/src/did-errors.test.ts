import { describe, expect, it } from 'vitest';
import { CandidError, parseDid } from './index.js';

/** Parses `src`, expecting an ERR_DID_PARSE at `line:column` whose message matches `pattern`. */
function expectParseError(src: string, line: number, column: number, pattern: RegExp): CandidError {
  let caught: unknown;
  try {
    parseDid(src);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CandidError);
  const err = caught as CandidError;
  expect(err.code).toBe('ERR_DID_PARSE');
  expect(err.name).toBe('CandidError [ERR_DID_PARSE]');
  expect(err.position).toEqual({ line, column });
  expect(err.message.startsWith(`${line}:${column}: `)).toBe(true);
  expect(err.message).toMatch(pattern);
  return err;
}

describe('parseDid errors', () => {
  it('reports a missing closing brace at the end of input', () => {
    expectParseError('type A = record {\n  a : nat;\n', 3, 1, /expected .*found end of input/);
    expectParseError('service : {\n  m : () -> ();\n', 3, 1, /found end of input/);
  });

  it('reports a stray closing brace', () => {
    expectParseError(
      'type A = record { a : nat } };\nservice : {}',
      1,
      29,
      /expected ';', found '}'/,
    );
    expectParseError('service : {}\n}', 2, 1, /end of file after the service/);
  });

  it('reports an unknown type name where it is used', () => {
    expectParseError(
      'type A = nat;\nservice : {\n  get : (A) -> (Missing) query;\n}',
      3,
      17,
      /unknown type name 'Missing'/,
    );
  });

  it('rejects import lines', () => {
    expectParseError(
      '// header\nimport "base.did";\nservice : {}',
      2,
      1,
      /import is not supported/,
    );
    expectParseError('import service "other.did";', 1, 1, /import is not supported/);
  });

  it('rejects malformed tokens', () => {
    expectParseError('type A = nat ;\n  type B = @;', 2, 12, /unexpected character "@"/);
    expectParseError('service : {} /* never closed', 1, 14, /unterminated block comment/);
    expectParseError('service : { "open : () -> () }', 1, 13, /unterminated text literal/);
    expectParseError('service : { "a\\q" : () -> () }', 1, 15, /unknown escape/);
    expectParseError('type R = record { 12ab : nat };', 1, 19, /malformed number/);
    expectParseError('type R = record { 4294967296 : nat };', 1, 19, /32 bits/);
  });

  it('rejects semantic mistakes with their position', () => {
    expectParseError('type R = record { a : nat; a : text };', 1, 28, /field id \d+ is used twice/);
    // The unnamed field takes the previous id + 1, which is already taken here.
    expectParseError(
      'type R = record { 1 : nat; 0 : text; text };\nservice : {}',
      1,
      38,
      /field id 1 is used twice/,
    );
    expectParseError(
      'service : { m : () -> () update }',
      1,
      26,
      /unknown function annotation 'update'/,
    );
    expectParseError(
      'service : { m : () -> (nat) oneway }',
      1,
      17,
      /oneway function cannot return/,
    );
    expectParseError('service : { m : () -> (); m : () -> () }', 1, 27, /declared twice/);
    expectParseError('type A = nat;\ntype A = int;\nservice : {}', 2, 6, /defined twice/);
    expectParseError('type A = B;\ntype B = A;\nservice : {}', 1, 10, /only an alias of itself/);
    expectParseError('type F = nat;\nservice : { m : F }', 2, 17, /'F' is not a function type/);
    expectParseError('type S = nat;\nservice : S', 2, 1, /must have a service type/);
    expectParseError('type A = nat;\n', 2, 1, /missing 'service/);
    expectParseError('type text = nat;', 1, 6, /reserved word/);
    expectParseError(
      'type V = variant { nat : nat; record {} };',
      1,
      31,
      /expected a variant label/,
    );
  });
});
