import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { BOUND_GLOBALS, bindGlobals } from './bind-globals.js';
import { instrument } from './instrument.js';
import { WRITE_BARRIER_SYMBOL, addWriteBarrier } from './write-barrier.js';

interface Run {
  /** The objects the barrier saw, with the key of a keyed write. */
  readonly marks: Array<[unknown, unknown]>;
  /** What the code put in `out`. */
  readonly out: Record<string, unknown>;
  readonly barriers: number;
  readonly skipped: number;
}

/**
 * Runs `code` as the replica prepares it (barrier, then the realm's built-ins bound around it)
 * against a recording barrier; `await`s inside settle before it returns.
 */
async function run(
  code: string,
  builtins: readonly string[] = BOUND_GLOBALS,
  metered = false,
): Promise<Run> {
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
  const out: Record<string, unknown> = {};
  const context = vm.createContext({ out });
  Object.defineProperty(context, Symbol.for(WRITE_BARRIER_SYMBOL), { value: barrier });
  // A meter that never runs out, for instrumented code.
  Object.defineProperty(context, Symbol.for('tincan.meter'), { value: () => () => 1e15 });
  const instrumented = metered ? instrument(code) : undefined;
  const prepared = addWriteBarrier(instrumented?.code ?? code, {
    builtins,
    meter: instrumented?.meter,
  });
  vm.runInContext(bindGlobals(prepared.code, BOUND_GLOBALS), context);
  await new Promise((resolve) => setImmediate(resolve));
  return { marks, out, barriers: prepared.barriers, skipped: prepared.skipped };
}

/** The marks made on `o`. */
function marksOf(r: Run, o: unknown): unknown[] {
  return r.marks.filter(([m]) => m === o).map(([, k]) => k);
}

describe('writes to objects new in the running execution', () => {
  it('skip the barrier for a const literal or new built-in written in its own function', async () => {
    const r = await run(`
      function f(heap) {
        const a = new Uint8Array(4), b = [], c = {}, m = new Map(), o = new Object();
        const t = new Uint32Array([1, 2]), n = new Float64Array(heap.n * 2);
        for (let i = 0; i < 4; i++) a[i] = i + 1;
        b[0] = 1; b.length = 3; c.x = 1; c['y'] = 2; delete c.x; m.tag = 1; o.p = 1;
        t[1]++; n[0] = 5; [a[0], c.z] = [9, 9];
        heap.a = a; heap.b = b; heap.c = c;
        return { a, b, c, m, o, t, n };
      }
      out.heap = { n: 2 };
      out.made = f(out.heap);
    `);
    const made = r.out.made as Record<string, unknown>;
    expect(Array.from(made.a as Uint8Array)).toEqual([9, 2, 3, 4]);
    expect(made.c).toEqual({ y: 2, z: 9 });
    expect(Array.from(made.t as Uint32Array)).toEqual([1, 3]);
    expect(Array.from(made.n as Float64Array)).toEqual([5, 0, 0, 0]);
    // Only the stores into `heap` pass the barrier.
    expect(marksOf(r, r.out.heap)).toEqual([undefined, undefined, undefined]);
    for (const o of Object.values(made)) expect(marksOf(r, o)).toEqual([]);
    expect(r.skipped).toBe(12);
  });

  it('keep the barrier where the object may be known to the heap', async () => {
    const r = await run(`
      const shared = [];
      function aliased() { const x = []; const y = x; y[0] = 1; return y; }
      function captured() { const x = []; const g = () => { x[0] = 1; }; g(); return x; }
      function reassigned() { let x = []; x[0] = 1; return x; }
      function param(x) { x[0] = 1; return x; }
      function shadowed() { const x = []; { const x = shared; x[0] = 1; } return x; }
      function caught() { const x = []; try { throw shared; } catch (x) { x[1] = 1; } return x; }
      function fromName() { const x = new Object(shared); x[2] = 1; return x; }
      out.results = [aliased(), captured(), reassigned(), param([]), shadowed(), caught(), fromName()];
      out.shared = shared;
    `);
    const results = r.out.results as unknown[];
    for (const [i, result] of results.entries())
      if (i < 4) expect(marksOf(r, result), `result ${i}`).toEqual([0]);
    expect(marksOf(r, r.out.shared)).toEqual([0, 1, 2]);
    expect(r.skipped).toBe(0);
  });

  it('keep the barrier in a function that can stop at await or yield, loop-carried objects included', async () => {
    const r = await run(`
      async function later(p) {
        const x = {};
        x.before = 1;
        await p;
        x.after = 2;
        return x;
      }
      async function loop(p) {
        const x = [];
        for (let i = 0; i < 2; i++) { x[i] = i; await p; }
        return x;
      }
      function* gen() { const x = []; x[0] = 1; yield x; x[1] = 2; }
      later(1).then((x) => { out.later = x; });
      loop(1).then((x) => { out.loop = x; });
      const it = gen(); out.gen = it.next().value; it.next();
    `);
    expect(marksOf(r, r.out.later)).toEqual([undefined, undefined]);
    expect(marksOf(r, r.out.loop)).toEqual([0, 1]);
    expect(marksOf(r, r.out.gen)).toEqual([0, 1]);
  });

  it('skip it for an object passed to a function or stored in the heap earlier in the same run', async () => {
    // No commit can happen while the function runs: the object is new until it returns.
    const r = await run(`
      function fill(buf) { buf[0] = 7; }
      function f(heap) {
        const x = new Uint8Array(2);
        fill(x);
        heap.buf = x;
        x[1] = 8;
        return x;
      }
      out.heap = {};
      out.x = f(out.heap);
    `);
    expect(Array.from(r.out.x as Uint8Array)).toEqual([7, 8]);
    // `buf[0]` in fill (a parameter) keeps its barrier; `x[1]` skips it.
    expect(marksOf(r, r.out.x)).toEqual([0]);
    expect(marksOf(r, r.out.heap)).toEqual([undefined]);
  });

  it('check once whether a typed array built from a name has a buffer of its own', async () => {
    const r = await run(`
      function view(source) {
        const v = new Uint8Array(source);
        v[0] = 1;
        v[v.length - 1] = 2;
        v.tag = 'x';
        return v;
      }
      function member(o) { const v = new Uint8Array(o.buffer); v[0] = 3; return v; }
      out.shared = new ArrayBuffer(4);
      out.onBuffer = view(out.shared);
      out.sized = view(4);
      out.copied = view([0, 0]);
      out.member = member({ buffer: out.shared });
    `);
    expect(Array.from(new Uint8Array(r.out.shared as ArrayBuffer))).toEqual([3, 0, 0, 2]);
    // A view over an existing buffer keeps keyed marks (the tracker marks the buffer's pages).
    expect(marksOf(r, r.out.onBuffer)).toEqual([0, 3]);
    expect(marksOf(r, r.out.member)).toEqual([0]);
    expect(marksOf(r, r.out.sized)).toEqual([]);
    // Any object might be a buffer: an array argument keeps the marks too.
    expect(marksOf(r, r.out.copied)).toEqual([0, 1]);
    expect(Array.from(r.out.sized as Uint8Array)).toEqual([1, 0, 0, 2]);
  });

  it('evaluate a copied key once, and keep the barrier when the key writes', async () => {
    const r = await run(`
      function f(n) {
        const v = new Uint8Array(n);
        let i = 0;
        v[i++] = 5;
        v[(i)] = 6;
        return { v, i };
      }
      out.a = f(4);
      out.b = f(new ArrayBuffer(4));
    `);
    const a = r.out.a as { v: Uint8Array; i: number };
    const b = r.out.b as { v: Uint8Array; i: number };
    expect([Array.from(a.v), a.i]).toEqual([[5, 6, 0, 0], 1]);
    expect([Array.from(b.v), b.i]).toEqual([[5, 6, 0, 0], 1]);
    expect(marksOf(r, a.v)).toEqual([0]);
    expect(marksOf(r, b.v)).toEqual([0, 1]);
  });

  it('trust a constructor only when the realm binds it and the program never rebinds it', async () => {
    const code = `
      function f() { const a = new Uint8Array(2); a[0] = 1; const b = new Map(); b.x = 1; const c = []; c[0] = 1; return [a, b, c]; }
      out.r = f();
    `;
    const unbound = await run(code, []);
    const [a, b, c] = unbound.out.r as unknown[];
    expect(marksOf(unbound, a)).toEqual([0]);
    expect(marksOf(unbound, b)).toEqual([undefined]);
    // A literal is new whatever the globals are.
    expect(marksOf(unbound, c)).toEqual([]);
    const rebound = await run(`${code}\nfunction g() { Uint8Array = null; }`);
    const [a2, b2] = rebound.out.r as unknown[];
    expect(marksOf(rebound, a2)).toEqual([0]);
    expect(marksOf(rebound, b2)).toEqual([]);
  });

  it('keep every barrier in a program with a with statement', async () => {
    const r = await run(`
      function f(o) { const x = []; with (o) { x[0] = 1; } return x; }
      out.o = { x: [] };
      out.x = f(out.o);
    `);
    expect(marksOf(r, (r.out.o as { x: unknown }).x)).toEqual([0]);
    expect(r.skipped).toBe(0);
  });

  it('drop the flag in the fast copy of a counted loop bounded by the name, when nothing changes the name', async () => {
    const loop = (head: string, extra = ''): string => `
      function f(${head}) {
        const v = new Uint8Array(n);
        ${extra}
        for (let i = 0; i < ${head === 'n, m' ? 'm' : 'n'}; i++) v[i] = i + 1;
        return v;
      }
      out.v = f(4, 4);
      out.shared = new ArrayBuffer(4);
      out.w = f(out.shared, 4);
    `;
    // Fast copy: no flag (skipped); the per-iteration copy tests the flag (a barrier, as are
    // the three writes to `out`).
    const counted = await run(loop('n'), BOUND_GLOBALS, true);
    expect(Array.from(counted.out.v as Uint8Array)).toEqual([1, 2, 3, 4]);
    expect([counted.skipped, counted.barriers]).toEqual([1, 4]);
    expect(marksOf(counted, counted.out.v)).toEqual([]);
    // Bounded by another name, the view over a buffer keeps its marks in the fast copy too.
    const other = await run(loop('n, m'), BOUND_GLOBALS, true);
    expect([other.skipped, other.barriers]).toEqual([0, 5]);
    expect(marksOf(other, other.out.w)).toEqual([0, 1, 2, 3]);
    expect(Array.from(new Uint8Array(other.out.shared as ArrayBuffer))).toEqual([1, 2, 3, 4]);
    // The name may change between the declaration and the loop: assigned, or through `arguments`.
    for (const extra of ['n = 4;', 'arguments[0] = 4;']) {
      const changed = await run(loop('n', extra), BOUND_GLOBALS, true);
      expect(changed.skipped, extra).toBe(0);
      expect(marksOf(changed, changed.out.w), extra).toEqual([0, 1, 2, 3]);
    }
  });

  it('trust a loop test about a name only where the name is that binding', async () => {
    // Hand-written meter test: its `n` is the outer one, the array is built from the inner.
    const code = `
      function __m_count() { return true; }
      function outer(n) {
        return function f(buf) {
          let last;
          if (__m_count(0, n, 1, 0, 1)) for (let j = 0; j < n; j++) {
            const n = buf;
            const c = new Uint8Array(n);
            c[j] = 1;
            last = c;
          }
          return last;
        };
      }
      out.buf = new ArrayBuffer(2);
      out.c = outer(2)(out.buf);
    `;
    const context = vm.createContext({ out: {} });
    const marks: unknown[] = [];
    const barrier = {
      object: (o: unknown): unknown => o,
      keyed: (o: unknown, k: unknown): void => void marks.push(k),
      register: (): void => undefined,
    };
    Object.defineProperty(context, Symbol.for(WRITE_BARRIER_SYMBOL), { value: barrier });
    const prepared = addWriteBarrier(code, { builtins: BOUND_GLOBALS, meter: '__m' });
    vm.runInContext(bindGlobals(prepared.code, BOUND_GLOBALS), context);
    expect(Array.from(new Uint8Array((context.out as { buf: ArrayBuffer }).buf))).toEqual([1, 1]);
    expect(marks).toEqual([0, 1]);
  });
});
