/**
 * The wall-clock backstop over real HTTP: canister code the instruction meter does not stop
 * (or not in time) is stopped by the process's watchdog. Each call gets reject 5 with a clear
 * trap message and is rolled back; the replica keeps answering `/api/v2/status`, and a
 * bystander canister's update succeeds afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RejectError } from '@dfinity/agent';
import { stopCounterOverHttp } from '../http/harness.js';
import {
  ANSWER_BOUND_MS,
  LIMITS,
  expectContained,
  startHostile,
  statusAnswerMs,
  type HostileSetup,
} from './harness.js';

let h: HostileSetup;

beforeAll(async () => {
  h = await startHostile();
});

afterAll(() => stopCounterOverHttp(h?.http));

/** ICP's trap text with a trap message matching `inner`. */
const trapped = (inner: string): RegExp =>
  new RegExp(`Canister called \`ic0\\.trap\` with message: '.*(${inner})`);
const timedOut = (ms: number): RegExp => trapped(`execution timed out after ${ms} ms`);
/** Where the meter may win the race against the backstop: either way a trap. */
// The meter's trap is ICP's IC0522 text; a recursion that overflows the stack may unwind with
// the bundle's own "instruction limit exceeded" error first.
const timedOutOrMetered = (ms: number): RegExp =>
  new RegExp(
    `${trapped(`execution timed out after ${ms} ms|instruction limit exceeded`).source}|Canister exceeded the limit of \\d+ instructions for single message execution`,
  );

describe('the backstop stops what the meter misses', () => {
  it.each([['awaitNullForever', 'for (;;) await null: the microtask drain']])(
    '%s (%s) traps with "execution timed out" and the replica keeps serving',
    async (method) => {
      await expectContained(h, method, timedOut(LIMITS.updateMs));
    },
  );

  it('a 3e7-element array kept in a heap field commits whole or is stopped whole, and the replica keeps serving', async () => {
    // Catches: a commit of a huge field that blocks the replica, ends the process, or stops
    // half-way (the marks counter changed without the field, or the reverse). The heap commit
    // encodes what the execution changed; whether 30M elements fit in the backstop's CPU
    // limit depends on the machine, so both outcomes are accepted, each checked in full.
    const marksBefore = (await h.hostile.marksQuery?.()) as bigint;
    const call = h.hostile.largeArrayInField?.().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    expect(await statusAnswerMs(h)).toBeLessThan(ANSWER_BOUND_MS);
    const outcome = (await call) as { value?: unknown; error?: unknown };
    if ('error' in outcome) {
      expect(outcome.error).toBeInstanceOf(RejectError);
      const code = (outcome.error as RejectError).cause.code as unknown as {
        rejectCode: number;
        rejectMessage: string;
      };
      expect(code.rejectCode).toBe(5);
      expect(code.rejectMessage).toMatch(timedOut(LIMITS.updateMs));
      expect(await h.hostile.marksQuery?.()).toBe(marksBefore);
    } else {
      expect(outcome.value).toBe(30_000_000n);
      expect(await h.hostile.marksQuery?.()).toBe(marksBefore + 1n);
    }
    expect(await statusAnswerMs(h)).toBeLessThan(ANSWER_BOUND_MS);
    const before = await h.counter.get();
    expect(await h.counter.add(1n)).toBe(before + 1n);
  });

  it.each([
    ['atomicsWaitForever', 'Atomics.wait without a timeout'],
    ['atomicsWaitLong', 'Atomics.wait with an hour-long timeout'],
    ['blockWithLoopQueued', 'Atomics.wait with a looping microtask queued behind it'],
  ])('%s (%s) is refused before it blocks, and the replica keeps serving', async (method) => {
    await expectContained(h, method, trapped('Atomics\\.wait cannot be called in a canister'));
  });

  it('a 1 GiB Uint8Array in a heap field traps at the heap limit before it is persisted', async () => {
    await expectContained(h, 'gibibyteField', trapped('heap memory limit exceeded'));
  });

  it('a query that awaits null forever traps at the query limit', async () => {
    await expectContained(h, 'awaitNullQuery', timedOut(LIMITS.queryMs));
  });

  it('recursion that catches RangeError at every level traps (backstop or meter, whichever is first)', async () => {
    await expectContained(h, 'catchAndRecurse', timedOutOrMetered(LIMITS.updateMs));
  });

  it('a query that loops forever traps at the query limit (or its instruction limit)', async () => {
    await expectContained(h, 'loopingQuery', timedOutOrMetered(LIMITS.queryMs));
  });
});

describe('thrown values whose message getter misbehaves', () => {
  it.each(['throwWithThrowingMessage', 'throwWithLoopingMessage'])(
    '%s traps without running the getter on the host',
    async (method) => {
      await expectContained(h, method, trapped(''));
    },
  );
});
