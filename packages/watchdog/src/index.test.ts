import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ExecutionTimeoutError, processGuard } from './index.js';

const context = (): vm.Context => vm.createContext({}, { microtaskMode: 'afterEvaluate' });

describe('processGuard', () => {
  const guard = processGuard();

  it('is the native watchdog when the addon is built (npm run build)', () => {
    expect(guard.kind).toBe('native');
  });

  it('returns what the script returns, and lets ordinary exceptions through', () => {
    const ctx = context();
    expect(guard.runInContext(new vm.Script('6 * 7'), ctx, 1_000)).toBe(42);
    expect(() =>
      guard.runInContext(new vm.Script('throw new RangeError("r")'), ctx, 1_000),
    ).toThrow('r');
  });

  it.each([
    ['a busy loop', 'for (;;) {}'],
    [
      'a microtask loop in the drain after evaluation',
      'Promise.resolve().then(function f() { return Promise.resolve().then(f); }); 0',
    ],
    ['recursion that catches every RangeError', 'function f() { try { f(); } catch { f(); } } f()'],
    [
      'Atomics.wait without a timeout',
      'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)',
    ],
  ])('stops %s with an ExecutionTimeoutError that host code can catch', (_name, source) => {
    const ctx = context();
    let cleanedUp = false;
    const run = (): unknown => {
      try {
        return guard.runInContext(new vm.Script(source), ctx, 100);
      } finally {
        cleanedUp = true;
      }
    };
    expect(run).toThrow(ExecutionTimeoutError);
    // The termination did not skip the host's finally, and the realm still runs code afterwards.
    expect(cleanedUp).toBe(true);
    expect(guard.runInContext(new vm.Script('1 + 1'), ctx, 1_000)).toBe(2);
  });

  it('calls that end around their deadline never leave a termination for the host code after them', () => {
    const ctx = vm.createContext({ n: 0 }, { microtaskMode: 'afterEvaluate' });
    // Calls from about 1 to 20 ms against a 1 ms limit (the watchdog polls every 10 ms): it claims
    // some just as they finish, which is the disarm race; every tenth call runs until stopped.
    const script = new vm.Script(
      '(() => { let x = 0; for (let i = 0; i < n; i++) x += i; return x; })()',
    );
    let finished = 0;
    let timedOut = 0;
    let hostWork = 0;
    for (let i = 0; i < 300; i++) {
      (ctx as { n: number }).n = i % 10 === 0 ? 1e12 : 2e5 * (i % 10);
      try {
        guard.runInContext(script, ctx, 1);
        finished++;
      } catch (err) {
        if (!(err instanceof ExecutionTimeoutError)) throw err;
        timedOut++;
      }
      for (let j = 0; j < 1e4; j++) hostWork += j;
    }
    expect(finished + timedOut).toBe(300);
    expect(timedOut).toBeGreaterThan(0);
    expect(hostWork).toBe(300 * ((1e4 * (1e4 - 1)) / 2));
  });
});
