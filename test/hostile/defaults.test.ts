/**
 * The backstop is on by default in the test harness, with the default limits, and its limits
 * are validated.
 */
import { afterEach, expect, it } from 'vitest';
import { CallRejectedError, DEFAULT_WALL_CLOCK_LIMITS, Replica } from '@tincan/replica';
import { createTestReplica, type TestReplica } from '@tincan/testing';

let t: TestReplica | undefined;

afterEach(() => t?.dispose());

it('createTestReplica() stops a query that awaits null forever at the default query limit', async () => {
  t = await createTestReplica();
  const hostile = t.replica.actor(await t.replica.deploy('test/fixtures/hostile.ts')) as {
    awaitNullQuery(): Promise<bigint>;
    marksQuery(): Promise<bigint>;
  };
  const err = await hostile.awaitNullQuery().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallRejectedError);
  expect((err as CallRejectedError).rejectCode).toBe(5);
  expect((err as CallRejectedError).rejectMessage).toContain(
    `execution timed out after ${DEFAULT_WALL_CLOCK_LIMITS.queryMs} ms`,
  );
  expect(await hostile.marksQuery()).toBe(0n);
});

it.each([{ updateMs: 0 }, { queryMs: -1 }, { updateMs: 1.5 }])(
  'refuses wallClockLimits %o',
  async (limits) => {
    await expect(Replica.create({ wallClockLimits: limits })).rejects.toThrow(
      /wallClockLimits\.(updateMs|queryMs) must be a positive integer/,
    );
  },
);
