/**
 * The wall-clock backstop over real HTTP: canister code the instruction meter does not stop
 * (or not in time) is stopped by the process's watchdog. Each call gets reject 5 with a clear
 * trap message and is rolled back; the replica keeps answering `/api/v2/status`, and a
 * bystander canister's update succeeds afterwards.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { stopCounterOverHttp } from '../http/harness.js';
import { LIMITS, expectContained, startHostile, type HostileSetup } from './harness.js';

let h: HostileSetup;

beforeAll(async () => {
  h = await startHostile();
});

afterAll(() => stopCounterOverHttp(h?.http));

const timedOut = (ms: number): RegExp => new RegExp(`Canister called \`ic0.trap\` with message: 'execution timed out after ${ms} ms`);
/** Where the meter may win the race against the backstop: either way a trap. */
// A recursion that overflows the stack may unwind with the bundle's own "instruction limit exceeded" error.
const timedOutOrMetered = (ms: number): RegExp => new RegExp(`execution timed out after ${ms} ms|Canister exceeded the limit of \\d+ instructions for single message execution|Uncaught Error: instruction limit exceeded`);

describe('the backstop stops what the meter misses', () => {
  it.each([
    ['awaitNullForever', 'for (;;) await null: the microtask drain'],
    ['atomicsWaitForever', 'Atomics.wait without a timeout'],
    ['atomicsWaitLong', 'Atomics.wait with an hour-long timeout'],
    ['blockWithLoopQueued', 'Atomics.wait with a looping microtask queued behind it'],
    ['largeArrayInField', 'new Array(3e7).fill(7) kept in a heap field (the heap walk runs long)'],
    ['gibibyteField', 'a 1 GiB Uint8Array in a heap field'],
  ])('%s (%s) traps with "execution timed out" and the replica keeps serving', async (method) => {
    await expectContained(h, method, timedOut(LIMITS.updateMs));
  });

  it('recursion that catches RangeError at every level traps (backstop or meter, whichever is first)', async () => {
    await expectContained(h, 'catchAndRecurse', timedOutOrMetered(LIMITS.updateMs));
  });

  it('a query that loops forever traps at the query limit (or its instruction limit)', async () => {
    await expectContained(h, 'loopingQuery', timedOutOrMetered(LIMITS.queryMs));
  });
});

describe('thrown values whose message getter misbehaves', () => {
  it.each(['throwWithThrowingMessage', 'throwWithLoopingMessage'])('%s traps without running the getter on the host', async (method) => {
    await expectContained(h, method, /Canister called `ic0.trap` with message: /);
  });
});
