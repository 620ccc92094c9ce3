import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { WRITE_BARRIER_SYMBOL, addWriteBarrier } from './write-barrier.js';

/** Runs `code` with the barrier added, against a recording barrier; returns the marks and `result`. */
function run(code: string): { marks: Array<[unknown, unknown]>; result: unknown } {
  const marks: Array<[unknown, unknown]> = [];
  const barrier = {
    object: (o: unknown): unknown => {
      marks.push([o, undefined]);
      return o;
    },
    keyed: (o: unknown, k: unknown): void => {
      marks.push([o, k]);
    },
    register: (): void => undefined,
  };
  const context = vm.createContext({
    [Symbol.for(WRITE_BARRIER_SYMBOL)]: barrier,
    out: {} as { result?: unknown },
  });
  Object.defineProperty(context, Symbol.for(WRITE_BARRIER_SYMBOL), { value: barrier });
  vm.runInContext(addWriteBarrier(code).code, context);
  return { marks, result: (context.out as { result?: unknown }).result };
}

describe('write barrier', () => {
  it('marks the object of every member write, keeping what the code computes', () => {
    const { marks, result } = run(`
      // Made by a call: a literal held by a const would be new to the heap (fresh-bindings.test.ts).
      const a = (() => ({ n: 1, list: [1, 2], m: {} }))();
      const t = a;
      a.n = 2; a.n += 3; a.n++; --a.n;
      let i = 0;
      a.list[i++] = 9;
      (t || a).list[1] *= 10;
      [a.m.x, a.m['y']] = [5, 6];
      ({ z: a.m.z } = { z: 7 });
      for (a.m.last of [1, 2]);
      delete a.m.x;
      delete a?.m?.y;
      out.result = { a, i };
    `);
    expect(result).toEqual({ a: { n: 5, list: [9, 20], m: { z: 7, last: 2 } }, i: 1 });
    const keys = marks.map(([, k]) => k);
    // Plain member writes mark without a key; computed ones pass the key, evaluated once.
    // The for…of target is written (and marked) once per iteration.
    expect(keys).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      0,
      1,
      undefined,
      'y',
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('leaves reads, private fields and super alone', () => {
    const { marks } = run(`
      class A { #p = 1; set(v) { this.#p = v; return this.#p; } }
      class B extends A { constructor() { super(); super.x = 1; } }
      const o = { a: 1 };
      const read = o.a + o['a'];
      new B().set(read);
    `);
    expect(marks).toEqual([]);
  });

  it('keeps line numbers', () => {
    const code = 'const a = {};\na.x = 1;\nthrow new Error("line 3");\n';
    const rewritten = addWriteBarrier(code).code;
    expect(rewritten.split('\n').findIndex((l) => l.includes('line 3'))).toBe(2);
  });
});
