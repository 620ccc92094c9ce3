import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BOUND_GLOBALS, REPLACED_GLOBALS, bindGlobals } from './bind-globals.js';

const realm = (): vm.Context =>
  vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });

describe('bindGlobals', () => {
  it('gives the code the realm’s own built-ins, read once when it is evaluated', () => {
    const ctx = realm();
    vm.runInContext(
      bindGlobals(
        'globalThis.same = [Uint8Array === globalThis.Uint8Array, Math === globalThis.Math, globalThis.Object === Object];',
      ),
      ctx,
    );
    expect(vm.runInContext('same', ctx)).toEqual([true, true, true]);
  });

  it('binds a global as it is when the bundle is evaluated: replace first, then evaluate', () => {
    const ctx = realm();
    // What the kernel does before any canister bundle runs.
    vm.runInContext(
      'globalThis.Date = class ReplicaDate {}; globalThis.TextEncoder = globalThis.TextDecoder = class {}; globalThis.console = {}; globalThis.queueMicrotask = () => {};',
      ctx,
    );
    vm.runInContext(
      bindGlobals('globalThis.seen = Date.name;', [...BOUND_GLOBALS, ...REPLACED_GLOBALS]),
      ctx,
    );
    expect(vm.runInContext('seen', ctx)).toBe('ReplicaDate');
    // The kernel's list leaves replaced names free, so a later replacement is what it reads.
    vm.runInContext(bindGlobals('globalThis.later = () => Date.name;', BOUND_GLOBALS), ctx);
    vm.runInContext('globalThis.Date = class LaterDate {};', ctx);
    expect(vm.runInContext('later()', ctx)).toBe('LaterDate');
  });

  it('keeps line numbers, and names it does not bind fail as before', () => {
    const ctx = realm();
    const code = bindGlobals('\n\nthrow new Error("line three");', BOUND_GLOBALS);
    let stack = '';
    try {
      vm.runInContext(code, ctx, { filename: 'bundle.js' });
    } catch (err) {
      stack = (err as Error).stack ?? '';
    }
    expect(stack).toContain('bundle.js:3:');
    expect(() => {
      vm.runInContext(bindGlobals('notAGlobal;'), ctx);
    }).toThrow(/notAGlobal is not defined/);
  });

  it('binds only names every sandbox realm has', () => {
    const ctx = realm();
    for (const name of [...BOUND_GLOBALS, ...REPLACED_GLOBALS.filter((n) => n === 'Date')]) {
      expect(vm.runInContext(`typeof ${name}`, ctx), name).not.toBe('undefined');
    }
  });
});
