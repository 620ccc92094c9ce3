import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { instrument } from './instrument.js';
import { WEIGHTS } from './meter-weights.js';

interface Run {
  readonly result: unknown;
  /** Units the code spent. */
  readonly spent: number;
  readonly error?: string;
}

/**
 * Runs `code` instrumented in a fresh realm with a meter fed `slice` units at a time, up to
 * `budget` in all. The code leaves its answer in `globalThis.result`.
 */
function run(code: string, options: { slice?: number; budget?: number; charge?: number } = {}): Run {
  const slice = options.slice ?? 1e9;
  let unissued = options.budget ?? 1e12;
  let meter: { reset(n: number): void; remaining(): number; charge(n: number): void } | undefined;
  const issue = (): number => {
    const n = Math.min(slice, unissued);
    unissued -= n;
    return n;
  };
  const total = unissued;
  const sys = {
    registerMeter: (m: typeof meter) => {
      meter = m;
      meter?.reset(issue());
    },
    meterRefill: () => issue(),
    charge: (n: number) => meter?.charge(n),
  };
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext('(sys) => { globalThis[Symbol.for("tincan.system")] = sys; }', context)(sys);
  let error: string | undefined;
  try {
    vm.runInContext(instrument(code).code, context);
  } catch (err) {
    error = (err as Error).message;
  }
  const spent = total - unissued - Math.max(0, meter?.remaining() ?? 0);
  return { result: vm.runInContext('globalThis.result', context) as unknown, spent, ...(error !== undefined && { error }) };
}

describe('instrumented code keeps its meaning', () => {
  const cases: Array<[string, string, unknown]> = [
    ['loops without braces', 'let s = 0; for (let i = 0; i < 5; i++) s += i; let j = 0; while (j < 3) j++; do j--; while (j > 0); result = [s, j];', [10, 0]],
    ['else-if chains', 'const f = (x) => { if (x < 0) return "neg"; else if (x === 0) return "zero"; else return "pos"; }; result = [f(-1), f(0), f(2)];', ['neg', 'zero', 'pos']],
    ['switch fall-through and default', 'const f = (x) => { let out = ""; switch (x) { case 1: out += "a"; case 2: out += "b"; break; case 3: { out += "c"; break; } default: out += "d"; } return out; }; result = [f(1), f(2), f(3), f(9)].join();', 'ab,b,c,d'],
    ['try, catch and finally', 'const log = []; try { throw new Error("x"); } catch (e) { log.push(e.message); } finally { log.push("f"); } try { log.push("t"); } catch { log.push("never"); } result = log.join();', 'x,f,t'],
    ['arrow bodies returning objects and sequences', 'const a = () => ({ k: 1 }); const b = (x) => (x, x + 1); result = [a().k, b(1)];', [1, 2]],
    ['spreads of arrays, strings, sets and objects', 'const xs = [1, 2]; const o = { ...{ a: 1 }, b: 2 }; result = [...xs, ...\'ab\', ...new Set([3]), Math.max(...xs), Object.keys(o).join()];', [1, 2, 'a', 'b', 3, 2, 'a,b']],
    ['classes with fields, static blocks and super', 'class A { x = 1; static s; static { A.s = 5; } constructor(y) { this.y = y; } } class B extends A { constructor() { super(2); this.z = 3; } } const b = new B(); result = [b.x, b.y, b.z, A.s];', [1, 2, 3, 5]],
    ['generators, labels and "use strict"', 'function* g() { "use strict"; yield 1; yield 2; } let n = 0; outer: for (const v of g()) { for (const w of [1, 2, 3]) { if (w === 2) continue outer; n += v * w; } } result = [n, (function () { "use strict"; return this; })()];', [3, undefined]],
    ['destructuring with defaults, for-in', 'const { a = 4, ...rest } = { b: 1 }; const [x = 7, ...ys] = [undefined, 8]; const keys = []; for (const k in { p: 1, q: 2 }) keys.push(k); result = [a, rest.b, x, ys[0], keys.join()];', [4, 1, 7, 8, 'p,q']],
  ];
  it.each(cases)('%s', (_name, code, expected) => {
    expect(run(code).result).toEqual(expected);
    // And unmetered, as a check of the expectation itself.
    const plain = vm.createContext({});
    vm.runInContext(code, plain);
    expect(vm.runInContext('globalThis.result', plain)).toEqual(expected);
  });
});

describe('static costs', () => {
  it('counts the same work identically on every run', () => {
    const code = 'const xs = []; for (let i = 0; i < 500; i++) xs.push({ i, s: String(i) }); result = xs.length;';
    const counts = [run(code).spent, run(code).spent, run(code, { slice: 1000 }).spent];
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(500 * WEIGHTS.loopIteration);
  });

  it('charges a longer straight-line block more than a short one', () => {
    const short = run('let a = 1; a = a + 1; result = a;').spent;
    const long = run('let a = 1; a = a + 1; a = a * 3; a = a - 2; a = a / 2; a = a + 1; result = a;').spent;
    const calls = run('let a = 1; a = Math.max(a, 2); a = Math.min(a, 9); result = a;').spent;
    expect(long).toBeGreaterThan(short);
    // Calls and property accesses weigh more than arithmetic.
    expect(calls).toBeGreaterThan(long);
  });

  it('charges each loop iteration its body, test and update', () => {
    const spentFor = (n: number): number => run(`let s = 0; for (let i = 0; i < ${n}; i++) { s += i * 2; } result = s;`).spent;
    const [a, b, c] = [spentFor(10), spentFor(110), spentFor(210)];
    // Linear in the iterations, and an iteration costs more than a bare loop step.
    expect(c - b).toBe(b - a);
    expect((b - a) / 100).toBeGreaterThan(WEIGHTS.loopIteration);
  });

  it('charges only the branch arm that runs', () => {
    const code = (flag: boolean): string => `const f = (x) => { if (x) { let a = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => v * 2); return a.length; } else return 0; }; result = f(${flag});`;
    expect(run(code(true)).spent).toBeGreaterThan(run(code(false)).spent);
  });

  it('charges spreads by their length', () => {
    const small = run('const xs = new Array(10).fill(0); result = [...xs].length;').spent;
    const large = run('const xs = new Array(10010).fill(0); result = [...xs].length;').spent;
    expect(large - small).toBe(10_000 * WEIGHTS.spreadElement);
  });

  it('carries an overdraft into the next slice, so the count is exact whatever the slice size', () => {
    const code = 'let s = 0; for (let i = 0; i < 1000; i++) { s = s + i * i - (i >> 1); } result = s;';
    const whole = run(code).spent;
    expect(run(code, { slice: 7 }).spent).toBe(whole);
    expect(run(code, { slice: 333 }).spent).toBe(whole);
  });
});

describe('limits', () => {
  it('stops an endless loop when the budget is spent', () => {
    const r = run('for (;;) {}', { slice: 1 << 20, budget: 5e7 });
    expect(r.error).toBe('instruction limit exceeded');
    expect(r.spent).toBe(5e7);
  });

  it('keeps stopping code that swallows the error', () => {
    const r = run('for (;;) { try { while (true) {} } catch {} }', { slice: 1 << 20, budget: 1e7 });
    expect(r.error).toBe('instruction limit exceeded');
  });

  it('lets the kernel charge run-time costs through the meter', () => {
    const r = run('result = 1; globalThis[Symbol.for("tincan.system")].charge(1e6); result = 2;', { budget: 1e7 });
    expect(r.result).toBe(2);
    const over = run('result = 1; globalThis[Symbol.for("tincan.system")].charge(2e7); result = 2;', { budget: 1e7 });
    expect([over.result, over.error]).toEqual([1, 'instruction limit exceeded']);
  });
});
