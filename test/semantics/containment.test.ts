/**
 * Containment: what a canister does never reaches the host. Rejections nobody awaits are logged
 * to the canister, nondeterministic built-ins are inert, thrown values are described without
 * running their code, the kernel and the meter are out of reach, and allocations past the
 * canister's heap limit trap before they happen. After each, a bystander's update succeeds.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CallRejectedError, useTestReplica } from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import { MISSING_CANISTER } from './helpers.js';
import type Containment from '../fixtures/containment.js';

const FIXTURE = 'test/fixtures/containment.ts';
/** Low enough that the hostile loops below trap in well under a second of CPU. */
const UPDATE_LIMIT = 300_000_000;

const t = useTestReplica({ instructionLimits: { update: UPDATE_LIMIT } });
let hostile: CanisterHandle;
let bystander: CanisterHandle;
let bumps = 0n;

/** Every `unhandledRejection` and `uncaughtException` the process sees while the suite runs. */
const escaped: unknown[] = [];
const record = (reason: unknown): void => void escaped.push(reason);

beforeAll(() => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
});
afterAll(() => {
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
});

beforeEach(async () => {
  hostile = await t.replica.deploy(FIXTURE);
  bystander = await t.replica.deploy(FIXTURE);
  bumps = 0n;
  escaped.length = 0;
});

/** Lets Node report pending rejections (it does so after each macrotask). */
async function settleHost(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The bystander still runs updates, and nothing reached the process. */
async function expectContained(): Promise<void> {
  await settleHost();
  bumps += 1n;
  expect(await t.replica.actor<Containment>(bystander).bump()).toBe(bumps);
  expect(escaped).toEqual([]);
}

async function logOf(canister: CanisterHandle): Promise<string[]> {
  return (await t.replica.fetchLogs(canister)).map((record) => record.content);
}

async function rejectionOf(promise: Promise<unknown>): Promise<CallRejectedError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CallRejectedError);
  return err as CallRejectedError;
}

describe('rejections and throws nobody awaits', () => {
  it('1,000 never-awaited calls to a missing canister are logged to the canister, not the process', async () => {
    // Catches: `void call(...)` rejecting into Node's unhandledRejection (tincan start exits).
    expect(
      await t.replica.actor<Containment>(hostile).voidCalls(MISSING_CANISTER.toText(), 1000),
    ).toBe('sent');
    await settleHost();
    const lines = (await logOf(hostile)).filter((line) => line.startsWith('Uncaught (in promise)'));
    expect(lines).toHaveLength(1000);
    // 500 reach the queue to the missing id and are rejected (no subnet hosts it);
    // the rest fail at once (call_perform), the queue to it being full.
    expect(
      lines.filter((line) =>
        line.includes(`call rejected: 3 - No route to canister ${MISSING_CANISTER.toText()}`),
      ),
    ).toHaveLength(500);
    expect(lines.filter((line) => line.includes('call perform failed'))).toHaveLength(500);
    expect(await t.replica.actor<Containment>(hostile).get()).toBe(1n);
    await expectContained();
  });

  it('an async throw, a rejection with a hostile reason and a throwing microtask stay in the canister', async () => {
    // Catches: realm rejections reaching the process, or the host running a reason's getters.
    expect(await t.replica.actor<Containment>(hostile).unawaitedThrows()).toBe('done');
    await settleHost();
    const lines = (await logOf(hostile)).filter((line) => line.startsWith('Uncaught (in promise)'));
    expect(lines).toHaveLength(3);
    expect(lines.some((line) => line.includes('Error: async throw nobody awaits'))).toBe(true);
    // The hostile values are described from their own data, without running their getters or toString.
    expect(lines.filter((line) => line.includes('an object that is not an Error'))).toHaveLength(2);
    await expectContained();
  });
});

describe('nondeterministic built-ins', () => {
  it('1,000 throwing finalizers never run; WeakRef holds; Atomics.wait refuses to block', async () => {
    // Catches: FinalizationRegistry callbacks running outside any execution (and throwing into
    // the host), WeakRef.deref changing between runs, Atomics.wait blocking the replica.
    const out = await t.replica.actor<Containment>(hostile).nondeterminism(1000);
    expect(out.slice(0, 3)).toEqual(['function', 'function', 'true']);
    expect(out[3]).toMatch(/^wait threw: Atomics\.wait cannot be called in a canister/);
    for (let i = 0; i < 20; i++) {
      await t.replica.actor<Containment>(hostile).bump();
      await settleHost();
    }
    // A finalizer would add 1,000,000 per run.
    expect(await t.replica.actor<Containment>(hostile).get()).toBe(20n);
    await expectContained();
  });
});

describe('thrown values whose formatting runs code', () => {
  const kinds = ['getter-loop', 'getter-throw', 'to-string', 'to-primitive', 'proxy'];

  it.each(kinds)('a thrown %s traps the execution and rolls it back', async (kind) => {
    // Catches: host or kernel code calling a thrown value's getters or conversions unmetered
    // (a freeze), or losing the trap when formatting throws ("did not reply").
    for (const method of ['throwHostile', 'rejectHostile'] as const) {
      const err = await rejectionOf(t.replica.actor<Containment>(hostile)[method](kind));
      expect(err.rejectCode).toBe(5);
      expect(err.rejectMessage).toMatch(
        /Canister called `ic0.trap` with message: 'Uncaught|Canister exceeded the limit of \d+ instructions for single message execution/,
      );
    }
    expect(await t.replica.actor<Containment>(hostile).get()).toBe(0n);
    await expectContained();
  });
});

describe('the kernel and the meter are out of reach', () => {
  it('canister code sees the system API only, without meter or kernel controls', async () => {
    // Catches: kernel ops or the meter's registration and refill reachable from canister code.
    const seen = await t.replica.actor<Containment>(hostile).reach();
    expect(seen).toEqual(['undefined', 'undefined', 'undefined', 'Symbol(tincan.system)']);
  });

  it('work past the update limit traps, whatever the code tries between rounds', async () => {
    // Catches: a fresh budget from `describe()`, a second meter registration or an early refill.
    // Each round spends well under the limit; all of them together well over it.
    const err = await rejectionOf(t.replica.actor<Containment>(hostile).resetMeter(30, 1_000_000));
    expect(err.errorCode).toBe('IC0522');
    expect(err.rejectMessage).toContain('instructions for single message execution.');
    expect(await t.replica.actor<Containment>(hostile).get()).toBe(0n);
    await expectContained();
  });
});

describe('allocation is bounded by the heap limit', () => {
  const kinds = [
    'array-fill',
    'array-call',
    'uint8-field',
    'buffer-fill',
    'array-from',
    'repeat',
    'pad',
  ];

  it.each(kinds)(
    '%s traps with "heap memory limit exceeded" and the replica serves on',
    async (kind) => {
      // Catches: a canister allocating gigabytes the meter does not see, until the process dies.
      const err = await rejectionOf(t.replica.actor<Containment>(hostile).allocate(kind));
      expect(err.rejectCode).toBe(5);
      expect(err.rejectMessage).toContain('heap memory limit exceeded');
      expect(await t.replica.actor<Containment>(hostile).get()).toBe(0n);
      await expectContained();
    },
  );
});
