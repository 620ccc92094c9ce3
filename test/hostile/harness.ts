/**
 * Shared setup of the hostile suite: a replica served over real HTTP with the counter (the
 * bystander) and the hostile canister (test/fixtures/hostile.ts) deployed, with small
 * wall-clock limits so the suite stays fast; plus the checks every case ends with.
 */
import { expect } from 'vitest';
import { Actor, HttpAgent, RejectError, type ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { startCounterOverHttp, type CounterOverHttp } from '../http/harness.js';

/** The backstop's limits in this suite (the defaults are 5,000 and 1,000). */
export const LIMITS = { updateMs: 1_000, queryMs: 300 } as const;

/**
 * How long the replica may take to answer again after a hostile call, on a busy machine: the
 * backstop counts CPU time, or twice the limit of wall time, plus slack for the load. Not a
 * timing assertion: it only tells "answered" from "frozen".
 */
export const ANSWER_BOUND_MS = 2 * LIMITS.updateMs + 10_000;

/** The hostile canister's methods. */
export interface Hostile {
  [method: string]: () => Promise<unknown>;
}

/** The counter's methods the bystander checks use. */
interface Counter {
  add(n: bigint): Promise<bigint>;
  get(): Promise<bigint>;
}

const hostileIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    awaitNullForever: I.Func([], [I.Nat], []),
    catchAndRecurse: I.Func([], [I.Nat], []),
    hugeArrayFill: I.Func([], [I.Nat], []),
    largeArrayInField: I.Func([], [I.Nat], []),
    gibibyteField: I.Func([], [I.Nat], []),
    atomicsWaitForever: I.Func([], [I.Text], []),
    atomicsWaitLong: I.Func([], [I.Text], []),
    blockWithLoopQueued: I.Func([], [I.Text], []),
    throwWithThrowingMessage: I.Func([], [I.Nat], []),
    throwWithLoopingMessage: I.Func([], [I.Nat], []),
    loopingQuery: I.Func([], [I.Nat], ['query']),
    awaitNullQuery: I.Func([], [I.Nat], ['query']),
    marksQuery: I.Func([], [I.Nat], ['query']),
  });

const counterIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ add: I.Func([I.Nat], [I.Nat], []), get: I.Func([], [I.Nat], ['query']) });

/** The replica, its server and actors over HTTP. */
export interface HostileSetup {
  readonly http: CounterOverHttp;
  readonly hostileId: Principal;
  readonly hostile: ActorSubclass<Hostile>;
  readonly counter: ActorSubclass<Counter>;
}

/** Starts the replica with the suite's limits and deploys both canisters. */
export async function startHostile(): Promise<HostileSetup> {
  const http = await startCounterOverHttp({ replicaOptions: { wallClockLimits: LIMITS } });
  const hostileId = (await http.t.replica.deploy('test/fixtures/hostile.ts')).id;
  const agent = await HttpAgent.create({ host: http.server.url, shouldFetchRootKey: true });
  return {
    http,
    hostileId,
    hostile: Actor.createActor<Hostile>(hostileIdl, { agent, canisterId: hostileId }),
    counter: Actor.createActor<Counter>(counterIdl, { agent, canisterId: http.canisterId }),
  };
}

/** The reject code and message of a call the agent rejected; fails the test if it succeeded. */
export async function rejectOf(
  call: Promise<unknown>,
): Promise<{ rejectCode: number; rejectMessage: string }> {
  const err = await call.then(
    (value: unknown) => new Error(`the call returned ${String(value)}`),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RejectError);
  const code = (err as RejectError).cause.code as unknown as {
    rejectCode: number;
    rejectMessage: string;
  };
  return { rejectCode: code.rejectCode, rejectMessage: code.rejectMessage };
}

/** Milliseconds until `/api/v2/status` answers 200. */
export async function statusAnswerMs(h: HostileSetup): Promise<number> {
  const start = performance.now();
  const response = await fetch(`${h.http.server.url}/api/v2/status`);
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - start;
}

/**
 * Runs one hostile call: while it runs, the replica must answer `/api/v2/status`; afterwards the
 * call is rejected (code 5, message matching `message`), the hostile canister's state is rolled
 * back, and the bystander's update succeeds.
 */
export async function expectContained(
  h: HostileSetup,
  method: string,
  message: RegExp,
): Promise<void> {
  const marksBefore = await h.hostile.marksQuery?.();
  const call = rejectOf(h.hostile[method]?.() ?? Promise.reject(new Error(`no method ${method}`)));
  // The call is on its way; the replica must still answer status, at worst once the backstop stopped it.
  expect(await statusAnswerMs(h)).toBeLessThan(ANSWER_BOUND_MS);
  const { rejectCode, rejectMessage } = await call;
  expect(rejectCode).toBe(5);
  expect(rejectMessage).toMatch(message);
  expect(await statusAnswerMs(h)).toBeLessThan(ANSWER_BOUND_MS);
  expect(await h.hostile.marksQuery?.()).toBe(marksBefore);
  const before = await h.counter.get();
  expect(await h.counter.add(1n)).toBe(before + 1n);
}
