import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { describeThrown, hostCause, isHostObject, messageOf } from './describe-thrown.js';

/** Values of another realm whose every conversion runs code that would never end. */
const realm = vm.createContext({});
const hostile = (expr: string): unknown => vm.runInContext(expr, realm);
const LOOP = '() => { for (;;) {} }';

describe('describeThrown', () => {
  it('describes errors of another realm from their own data', () => {
    expect(describeThrown(hostile('new RangeError("far away")'))).toBe('RangeError: far away');
    expect(messageOf(hostile('new TypeError("only this")'))).toBe('only this');
  });

  it('never runs getters, conversions, proxy traps or stack formatting', () => {
    const values = [
      hostile(`Object.defineProperty(new Error("x"), "message", { get: ${LOOP} })`),
      hostile(`({ get message() { for (;;) {} }, get name() { for (;;) {} } })`),
      hostile(`({ toString: ${LOOP}, valueOf: ${LOOP}, [Symbol.toPrimitive]: ${LOOP} })`),
      hostile(
        `new Proxy({}, { get: ${LOOP}, getOwnPropertyDescriptor: ${LOOP}, getPrototypeOf: ${LOOP}, has: ${LOOP} })`,
      ),
      hostile(
        `(() => { const e = new Error("m"); Object.defineProperty(e, "name", { get: ${LOOP} }); return e; })()`,
      ),
      hostile(
        `Object.setPrototypeOf({}, new Proxy({}, { getOwnPropertyDescriptor: ${LOOP}, getPrototypeOf: ${LOOP} }))`,
      ),
    ];
    const described = values.map((v) => describeThrown(v));
    expect(described).toEqual([
      'Error',
      'an object that is not an Error',
      'an object that is not an Error',
      'a proxy',
      'Error: m',
      'an object that is not an Error',
    ]);
    for (const v of values) expect(typeof messageOf(v)).toBe('string');
  });

  it('describes primitives and functions', () => {
    expect([
      describeThrown('plain'),
      describeThrown(5),
      describeThrown(5n),
      describeThrown(undefined),
      describeThrown(Symbol('s')),
      describeThrown(() => 1),
    ]).toEqual(['plain', '5', '5', 'undefined', 'Symbol(s)', 'a function']);
  });
});

describe('host values', () => {
  it('tells host objects from another realm’s, and keeps only host causes', () => {
    const mine = new Error('host');
    expect(isHostObject(mine)).toBe(true);
    expect(isHostObject(hostile('new Error("guest")'))).toBe(false);
    expect(hostCause(mine)).toEqual({ cause: mine });
    expect(hostCause(hostile('new Error("guest")'))).toEqual({});
  });
});
