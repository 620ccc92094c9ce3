import { describe, expect, it } from 'vitest';
import vm from 'node:vm';
import { TincanError, ensureError, isTincanError } from './index.js';

class DemoError extends TincanError<'ERR_DEMO'> {}

describe('TincanError', () => {
  it('puts the code in the name and keeps the cause', () => {
    const cause = new Error('root');
    const err = new DemoError('ERR_DEMO', 'it broke', { cause });
    expect(err.name).toBe('DemoError [ERR_DEMO]');
    expect(err.code).toBe('ERR_DEMO');
    expect(err.cause).toBe(cause);
    expect(err).toBeInstanceOf(Error);
  });
});

describe('ensureError', () => {
  it('returns errors unchanged', () => {
    const err = new TypeError('x');
    expect(ensureError(err)).toBe(err);
  });
  it('keeps the message of an error from another realm', () => {
    const foreign: unknown = vm.runInNewContext('new RangeError("far away")');
    expect(foreign instanceof Error).toBe(false);
    const err = ensureError(foreign);
    expect(err.message).toBe('far away');
    expect(err.name).toBe('RangeError');
  });
  it('describes strings, bigints and objects', () => {
    expect(ensureError('plain').message).toBe('plain');
    expect(ensureError(5n).message).toBe('non-error thrown: 5n');
    expect(ensureError({ a: 1 }).message).toBe('non-error thrown: {"a":1}');
  });
});

describe('isTincanError', () => {
  it('recognises tincan errors from any copy of the class, and nothing else', () => {
    expect(isTincanError(new DemoError('ERR_DEMO', 'x'))).toBe(true);
    // A second copy of the class (as a bundle and an external package each load one) shares the brand.
    class OtherCopy extends Error {}
    Object.defineProperty(OtherCopy.prototype, Symbol.for('tincan.TincanError'), { value: true });
    expect(isTincanError(new OtherCopy('y'))).toBe(true);
    const lookalike = Object.assign(new Error('z'), {
      code: 'ERR_LOOKALIKE',
      name: 'Lookalike [ERR_LOOKALIKE]',
    });
    expect(isTincanError(lookalike)).toBe(false);
    expect(isTincanError({ message: 'not an error' })).toBe(false);
  });
});
