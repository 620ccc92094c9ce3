import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { instrument, oneLine } from './instrument.js';
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
function run(
  code: string,
  options: { slice?: number; budget?: number; countedLoops?: boolean } = {},
): Run {
  const slice = options.slice ?? 1e9;
  let unissued = options.budget ?? 1e12;
  let meter: { reset(n: number): void; remaining(): number; charge(n: number): void } | undefined;
  const issue = (): number => {
    const n = Math.min(slice, unissued);
    unissued -= n;
    return n;
  };
  const total = unissued;
  const claim = (m: typeof meter): (() => number) => {
    meter = m;
    meter?.reset(issue());
    return issue;
  };
  const context = vm.createContext({}, { codeGeneration: { strings: false, wasm: false } });
  const install = vm.runInContext(
    '(claim, charge) => { globalThis[Symbol.for("tincan.meter")] = claim; globalThis.kernelCharge = charge; }',
    context,
  ) as (claimMeter: typeof claim, charge: (n: number) => void) => void;
  install(claim, (n) => meter?.charge(n));
  let error: string | undefined;
  try {
    vm.runInContext(instrument(code, { countedLoops: options.countedLoops ?? true }).code, context);
  } catch (err) {
    error = (err as Error).message;
  }
  const spent = total - unissued - Math.max(0, meter?.remaining() ?? 0);
  return {
    result: vm.runInContext('globalThis.result', context) as unknown,
    spent,
    ...(error !== undefined && { error }),
  };
}

describe('instrumented code keeps its meaning', () => {
  const cases: Array<[string, string, unknown]> = [
    [
      'loops without braces',
      'let s = 0; for (let i = 0; i < 5; i++) s += i; let j = 0; while (j < 3) j++; do j--; while (j > 0); result = [s, j];',
      [10, 0],
    ],
    [
      'else-if chains',
      'const f = (x) => { if (x < 0) return "neg"; else if (x === 0) return "zero"; else return "pos"; }; result = [f(-1), f(0), f(2)];',
      ['neg', 'zero', 'pos'],
    ],
    [
      'switch fall-through and default',
      'const f = (x) => { let out = ""; switch (x) { case 1: out += "a"; case 2: out += "b"; break; case 3: { out += "c"; break; } default: out += "d"; } return out; }; result = [f(1), f(2), f(3), f(9)].join();',
      'ab,b,c,d',
    ],
    [
      'try, catch and finally',
      'const log = []; try { throw new Error("x"); } catch (e) { log.push(e.message); } finally { log.push("f"); } try { log.push("t"); } catch { log.push("never"); } result = log.join();',
      'x,f,t',
    ],
    [
      'arrow bodies returning objects and sequences',
      'const a = () => ({ k: 1 }); const b = (x) => (x, x + 1); result = [a().k, b(1)];',
      [1, 2],
    ],
    [
      'spreads of arrays, strings, sets and objects',
      "const xs = [1, 2]; const o = { ...{ a: 1 }, b: 2 }; result = [...xs, ...'ab', ...new Set([3]), Math.max(...xs), Object.keys(o).join()];",
      [1, 2, 'a', 'b', 3, 2, 'a,b'],
    ],
    [
      'classes with fields, static blocks and super',
      'class A { x = 1; static s; static { A.s = 5; } constructor(y) { this.y = y; } } class B extends A { constructor() { super(2); this.z = 3; } } const b = new B(); result = [b.x, b.y, b.z, A.s];',
      [1, 2, 3, 5],
    ],
    [
      'generators, labels and "use strict"',
      'function* g() { "use strict"; yield 1; yield 2; } let n = 0; outer: for (const v of g()) { for (const w of [1, 2, 3]) { if (w === 2) continue outer; n += v * w; } } result = [n, (function () { "use strict"; return this; })()];',
      [3, undefined],
    ],
    [
      'destructuring with defaults, for-in',
      'const { a = 4, ...rest } = { b: 1 }; const [x = 7, ...ys] = [undefined, 8]; const keys = []; for (const k in { p: 1, q: 2 }) keys.push(k); result = [a, rest.b, x, ys[0], keys.join()];',
      [4, 1, 7, 8, 'p,q'],
    ],
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
    const code =
      'const xs = []; for (let i = 0; i < 500; i++) xs.push({ i, s: String(i) }); result = xs.length;';
    const counts = [run(code).spent, run(code).spent, run(code, { slice: 1000 }).spent];
    expect(new Set(counts).size).toBe(1);
    expect(counts[0]).toBeGreaterThan(500 * WEIGHTS.loopIteration);
  });

  it('charges a longer straight-line block more than a short one', () => {
    const short = run('let a = 1; a = a + 1; result = a;').spent;
    const long = run(
      'let a = 1; a = a + 1; a = a * 3; a = a - 2; a = a / 2; a = a + 1; result = a;',
    ).spent;
    const calls = run('let a = 1; a = Math.max(a, 2); a = Math.min(a, 9); result = a;').spent;
    expect(long).toBeGreaterThan(short);
    // Calls and property accesses weigh more than arithmetic.
    expect(calls).toBeGreaterThan(long);
  });

  it('charges each loop iteration its body, test and update', () => {
    const spentFor = (n: number): number =>
      run(`let s = 0; for (let i = 0; i < ${n}; i++) { s += i * 2; } result = s;`).spent;
    const [a, b, c] = [spentFor(10), spentFor(110), spentFor(210)];
    // Linear in the iterations, and an iteration costs more than a bare loop step.
    expect(c - b).toBe(b - a);
    expect((b - a) / 100).toBeGreaterThan(WEIGHTS.loopIteration);
  });

  it('charges only the branch arm that runs', () => {
    const code = (flag: boolean): string =>
      `const f = (x) => { if (x) { let a = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => v * 2); return a.length; } else return 0; }; result = f(${flag});`;
    expect(run(code(true)).spent).toBeGreaterThan(run(code(false)).spent);
  });

  it('charges spreads by their length', () => {
    const small = run('const xs = new Array(10).fill(0); result = [...xs].length;').spent;
    const large = run('const xs = new Array(10010).fill(0); result = [...xs].length;').spent;
    expect(large - small).toBe(10_000 * WEIGHTS.spreadElement);
  });

  it('carries an overdraft into the next slice, so the count is exact whatever the slice size', () => {
    const code =
      'let s = 0; for (let i = 0; i < 1000; i++) { s = s + i * i - (i >> 1); } result = s;';
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
    const r = run('result = 1; kernelCharge(1e6); result = 2;', { budget: 1e7 });
    expect(r.result).toBe(2);
    const over = run('result = 1; kernelCharge(2e7); result = 2;', { budget: 1e7 });
    expect([over.result, over.error]).toEqual([1, 'instruction limit exceeded']);
  });
});

/** Runs `code` plain (no meter) and returns its `result`. */
function plain(code: string): unknown {
  const context = vm.createContext({});
  vm.runInContext(code, context);
  return vm.runInContext('globalThis.result', context) as unknown;
}

const countedIn = (code: string): number => instrument(code).countedLoops;

describe('counted loops', () => {
  const shapes: Array<[string, string]> = [
    [
      '< with ++ and a let bound',
      'let n = 37; let s = 0; for (let i = 0; i < n; i++) s += i; result = s;',
    ],
    ['<= with a literal', 'let s = 0; for (let i = 3; i <= 40; i++) s += i; result = s;'],
    ['> with --', 'const n = 5; let s = ""; for (let i = 20; i > n; i--) s += i; result = s;'],
    [
      '>= with -= and a step that does not divide',
      'let s = []; const c = 7; for (let i = 50; i >= 3; i -= c) s.push(i); result = s;',
    ],
    [
      '+= with a step from an outer loop (the sieve)',
      'function primes(limit) { const c = new Uint8Array(limit); let n = 0; for (let i = 2; i < limit; i++) { if (c[i] === 1) continue; n++; for (let j = i * i; j < limit; j += i) c[j] = 1; } return n; } result = primes(1000);',
    ],
    [
      'a fractional bound, ++i',
      'let s = 0; const b = 10.5; for (let i = 0; i < b; ++i) s += i; result = s;',
    ],
    [
      '<= with a fractional bound',
      'let s = 0; const b = 10.5; for (let i = 0; i <= b; i++) s += i; result = s;',
    ],
    [
      '>= with a fractional bound',
      'let s = 0; for (let i = 10; i >= 2.5; i--) s += i; result = s;',
    ],
    ['zero trips', 'let s = 1; const n = 0; for (let i = 5; i < n; i++) s = 2; result = s;'],
    [
      '-= a negative step counts up',
      'let s = 0; const c = -4; for (let i = 0; i < 30; i -= c) s += i; result = s;',
    ],
    [
      'branches, a switch with break and continue in the body',
      'let s = 0; for (let i = 0; i < 60; i++) { if (i % 3 === 0) continue; switch (i % 4) { case 1: s += 1; break; default: s += 100; } if (i > 40) { s -= i; } } result = s;',
    ],
    [
      'a parameter bound and a var step',
      'function f(n) { var st = 3; let s = 0; for (let i = 0; i < n; i += st) s += i; return s; } result = f(100);',
    ],
  ];
  it.each(shapes)('%s: same values, same count as per iteration', (_name, code) => {
    expect(countedIn(code)).toBeGreaterThan(0);
    const hoisted = run(code);
    const perIteration = run(code, { countedLoops: false });
    expect(hoisted.result).toEqual(plain(code));
    expect(hoisted.result).toEqual(perIteration.result);
    expect(hoisted.spent).toBe(perIteration.spent);
  });

  const refused: Array<[string, string]> = [
    [
      'the body assigns the index',
      'let s = 0; for (let i = 0; i < 50; i++) { if (i === 10) i += 20; s += i; } result = s;',
    ],
    [
      'the body assigns the bound',
      'let s = 0; let n = 50; for (let i = 0; i < n; i++) { n--; s += i; } result = s;',
    ],
    [
      'the body assigns the step',
      'let s = 0; let c = 1; for (let i = 0; i < 50; i += c) { c++; s += i; } result = s;',
    ],
    [
      'a called closure assigns the bound',
      'let s = 0; let n = 50; const grow = () => { if (n < 60) n++; }; for (let i = 0; i < n; i++) { grow(); s += i; } result = [s, n];',
    ],
    [
      'a setter assigns the bound',
      'let s = 0; let n = 20; const o = { set x(v) { if (n < 30) n = n + 1; } }; for (let i = 0; i < n; i++) { o.x = i; s += i; } result = [s, n];',
    ],
    [
      'the bound belongs to an outer function',
      'let n = 20; function f() { let s = 0; for (let i = 0; i < n; i++) s += i; return s; } result = f();',
    ],
    [
      'the bound is declared after the loop',
      'function f() { let s = 0; for (let i = 0; i < 0; i += c) s += i; let c = 2; return s; } result = f();',
    ],
    [
      'the bound is a parameter and arguments is used',
      'function f(n) { let s = 0; for (let i = 0; i < n; i++) { s += i; arguments.length; } return s; } result = f(30);',
    ],
    [
      'the bound is a member',
      'const xs = [1, 2, 3]; let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; result = s;',
    ],
    [
      'the body breaks out',
      'let s = 0; for (let i = 0; i < 1e9; i++) { if (i === 20) break; s += i; } result = s;',
    ],
    [
      'the body returns',
      'function f() { for (let i = 0; i < 1e9; i++) { if (i === 20) return i; } return -1; } result = f();',
    ],
    [
      'the body throws',
      'let s = 0; try { for (let i = 0; i < 1e9; i++) { if (i === 20) throw i; s += i; } } catch (e) { s += e; } result = s;',
    ],
    [
      'the body holds a loop (the inner one is counted)',
      'let s = 0; for (let i = 0; i < 10; i++) { for (let j = 0; j < 10; j++) s += j; } result = s;',
    ],
    [
      'the loop is labelled',
      'let s = 0; outer: for (let i = 0; i < 10; i++) { s += i; continue outer; } result = s;',
    ],
    ['the index is a var', 'let s = 0; for (var i = 0; i < 10; i++) s += i; result = s;'],
  ];
  it.each(refused)('is refused when %s, and counts per iteration', (name, code) => {
    expect(countedIn(code)).toBe(name.startsWith('the body holds a loop') ? 1 : 0);
    const r = run(code);
    expect(r.result).toEqual(plain(code));
    expect(r.spent).toBe(run(code, { countedLoops: false }).spent);
  });

  it('falls back to per-iteration charges when the values are not plain integers', () => {
    for (const [start, bound, step] of [
      ['0', '"20"', '1'],
      ['0n', '20n', '1n'],
      ['0.5', '20', '1'],
      ['0', '20', '0.5'],
      ['0', 'NaN', '1'],
      ['2 ** 60', '2 ** 60 + 1024', '1'],
    ]) {
      const code = `let s = 0; let n = 0; const b = ${bound}, c = ${step}; for (let i = ${start}; i < b; i += c) { if (++n > 100) break; s = i; } result = [String(s), n];`;
      // `break` keeps the loop from being counted; without it, the same shape is counted.
      const counted = code.replace('if (++n > 100) break; ', '++n; ');
      expect(countedIn(counted)).toBe(1);
      if (start === '2 ** 60') continue; // index stuck at 2^60 + k: a runaway, checked below
      const r = run(counted);
      expect(r.result).toEqual(plain(counted));
      expect(r.spent).toBe(run(counted, { countedLoops: false }).spent);
    }
  });

  it('meters a loop whose index would stop moving (beyond 2^53) per iteration, so it still traps', () => {
    // 2^60 + 1 rounds back to 2^60 (a double's spacing there is 256), so `i++` leaves i as it is.
    const code = 'const b = 2 ** 60 + 1024; for (let i = 2 ** 60; i < b; i++) { result = i; }';
    expect(countedIn(code)).toBe(1);
    const r = run(code, { slice: 1 << 20, budget: 2e7 });
    expect(r.error).toBe('instruction limit exceeded');
    expect(r.spent).toBe(2e7);
  });

  it('traps before the first iteration when the budget cannot pay the trip count', () => {
    const code = 'result = "before"; const n = 1e15; for (let i = 0; i < n; i++) { result = i; }';
    expect(countedIn(code)).toBe(1);
    const r = run(code, { slice: 1 << 20, budget: 5e7 });
    expect([r.result, r.error, r.spent]).toEqual(['before', 'instruction limit exceeded', 5e7]);
  });

  it('leaves endless loops alone: they are not counted and trap per iteration', () => {
    for (const code of [
      'for (;;) { result = 1; }',
      'while (true) { result = 1; }',
      'for (let i = 0; ; i++) { result = i; }',
      'for (let i = 0; i < 10; ) { result = i; }',
    ]) {
      expect(countedIn(code)).toBe(0);
      const r = run(code, { slice: 1 << 20, budget: 1e7 });
      expect([r.error, r.spent]).toEqual(['instruction limit exceeded', 1e7]);
    }
  });

  it('charges an upper bound when an exception cuts a counted loop short, the same on every run', () => {
    const code =
      'const xs = new Array(100).fill(null).map(() => ({})); xs[10] = null; let n = 0; try { for (let i = 0; i < 100; i++) { xs[i].v = i; n++; } } catch { } result = n;';
    expect(countedIn(code)).toBe(1);
    const hoisted = run(code);
    const perIteration = run(code, { countedLoops: false });
    expect(hoisted.result).toBe(10);
    expect(hoisted.spent).toBeGreaterThan(perIteration.spent);
    expect(run(code).spent).toBe(hoisted.spent);
  });

  it('counts exactly whatever the slice size', () => {
    const code =
      'let s = 0; for (let i = 0; i < 5000; i += 3) { s = (s + i * i) % 1000003; } result = s;';
    const whole = run(code).spent;
    expect(run(code, { slice: 7 }).spent).toBe(whole);
    expect(run(code, { slice: 4999 }).spent).toBe(whole);
  });

  it('keeps every line where it was, so source maps and stack traces still point right', () => {
    const code = [
      'let s = 0;',
      'const n = 12, b = "12";',
      'for (let i = 0; i < n; i++) { // a line comment',
      '  s += i; /* a comment',
      '  over lines */ s += 1;',
      '}',
      'for (let i = 0; i < b; i++) {',
      '  s += i;',
      '}',
      'const where = new Error("here").stack.split("\\n")[1];',
      'result = [s, Number(/:(\\d+):\\d+\\)?$/.exec(where)[1])];',
    ].join('\n');
    expect(countedIn(code)).toBe(2);
    const lines = code.split('\n').length;
    expect(instrument(code).code.split('\n').length).toBe(lines + 2);
    // The Error is made on line 10 of the source (the prelude shares line 1 with the code).
    expect(run(code).result).toEqual([(11 * 12) / 2 + 12 + (11 * 12) / 2, 10]);
    expect(run(code).spent).toBe(run(code, { countedLoops: false }).spent);
  });

  it('refuses to fold a loop onto one line when that would change it', () => {
    expect(oneLine('for (;;) {\n  a = 1 // x\n  b = 2\n}')).toBeUndefined(); // needs automatic semicolons
    expect(oneLine('for (;;) {\n  a = `x\ny`;\n}')).toBeUndefined(); // a template spans lines
    expect(oneLine('for (;;) {\n  a = 1; // x\n  b = 2;\n}')).toBe('for (;;) { a = 1; b = 2; }');
    const code =
      'let s = ""; const n = 3;\nfor (let i = 0; i < n; i++) {\n  s += `${i}\n`;\n}\nresult = s;';
    expect(run(code).result).toBe('0\n1\n2\n');
    expect(instrument(code).code).not.toContain('_count(');
  });
});
