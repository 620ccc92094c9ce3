/**
 * Containment over real HTTP with the unmodified @dfinity/agent: never-awaited rejected calls
 * stay in the canister's log and the server keeps serving; a module uploaded with
 * `install_code` cannot bring its own meter, patched or faked: the replica instruments
 * whatever it is given, and the module hash stays the SHA-256 of the uploaded bytes. Nor can
 * it bring or claim the heap's write barrier: the replica puts its own on every write.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Actor, HttpAgent, type ActorSubclass } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { bundleCanister, prepareCanisterModule } from '@tincan/bundler';
import { managementIdlFactory } from '@tincan/replica';
import { startCounterOverHttp, stopCounterOverHttp, type CounterOverHttp } from './harness.js';

type Opt<T> = [] | [T];
interface Management {
  provisional_create_canister_with_cycles(arg: {
    amount: Opt<bigint>;
    settings: Opt<Record<string, unknown>>;
    specified_id: Opt<Principal>;
    sender_canister_version: Opt<bigint>;
  }): Promise<{ canister_id: Principal }>;
  install_code(arg: {
    mode: Record<string, unknown>;
    canister_id: Principal;
    wasm_module: Uint8Array;
    arg: Uint8Array;
    sender_canister_version: Opt<bigint>;
  }): Promise<void>;
  canister_status(arg: { canister_id: Principal }): Promise<{ module_hash: Opt<Uint8Array> }>;
}
interface Hostile {
  voidCalls(callee: string, n: number): Promise<string>;
  resetMeter(rounds: number, perRound: number): Promise<bigint>;
  bump(): Promise<bigint>;
  allocate(kind: string): Promise<bigint>;
}
interface Counter {
  add(n: bigint): Promise<bigint>;
}

const hostileIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    voidCalls: I.Func([I.Text, I.Nat32], [I.Text], []),
    resetMeter: I.Func([I.Nat32, I.Nat32], [I.Nat], []),
    bump: I.Func([], [I.Nat], []),
    allocate: I.Func([I.Text], [I.Nat], []),
  });
const counterIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ add: I.Func([I.Nat], [I.Nat], []) });

/** A canister-shaped principal that no replica here creates. */
const MISSING = Principal.fromUint8Array(new Uint8Array([0, 0, 0, 0, 0, 0x0f, 0x42, 0x40, 1, 1]));
const UPDATE_LIMIT = 300_000_000;

let h: CounterOverHttp;
let agent: HttpAgent;
let source: string;
const escaped: unknown[] = [];
const record = (reason: unknown): void => void escaped.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', record);
  process.on('uncaughtException', record);
  h = await startCounterOverHttp({
    replicaOptions: { instructionLimits: { update: UPDATE_LIMIT } },
  });
  agent = await HttpAgent.create({ host: h.server.url, shouldFetchRootKey: true });
  source = (
    await bundleCanister({
      entry: 'test/fixtures/containment.ts',
      cdkEntry: 'packages/cdk/src/index.ts',
    })
  ).code;
});
afterAll(async () => {
  await stopCounterOverHttp(h);
  process.off('unhandledRejection', record);
  process.off('uncaughtException', record);
});
beforeEach(() => {
  escaped.length = 0;
});

function management(): ActorSubclass<Management> {
  return Actor.createActor<Management>(managementIdlFactory, {
    agent,
    canisterId: Principal.managementCanister(),
    callTransform: (_m, args) => ({
      effectiveCanisterId:
        (args[0] as { canister_id?: Principal }).canister_id ?? Principal.managementCanister(),
    }),
  });
}

/** Creates a canister (the anonymous caller controls it) and installs `module` into it. */
async function install(module: Uint8Array): Promise<Principal> {
  const { canister_id } = await management().provisional_create_canister_with_cycles({
    amount: [],
    settings: [],
    specified_id: [],
    sender_canister_version: [],
  });
  await management().install_code({
    mode: { install: null },
    canister_id,
    wasm_module: module,
    arg: new Uint8Array(IDL.encode([], [])),
    sender_canister_version: [],
  });
  return canister_id;
}

/** The server answers `/api/v2/status`, and the counter's update goes through the agent. */
async function expectServing(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  expect((await fetch(`${h.server.url}/api/v2/status`)).status).toBe(200);
  const counter = Actor.createActor<Counter>(counterIdl, { agent, canisterId: h.canisterId });
  expect(typeof (await counter.add(1n))).toBe('bigint');
  expect(escaped).toEqual([]);
}

describe('over HTTP', () => {
  it('1,000 never-awaited rejected calls do not end the server', async () => {
    // Catches: `void call(...)` reaching Node's unhandledRejection, which ends `tincan start`.
    const id = await install(new TextEncoder().encode(source));
    const hostile = Actor.createActor<Hostile>(hostileIdl, { agent, canisterId: id });
    expect(await hostile.voidCalls(MISSING.toText(), 1000)).toBe('sent');
    await expectServing();
    const logs = await h.t.replica.fetchLogs(id);
    expect(logs.filter((line) => line.content.startsWith('Uncaught (in promise)'))).toHaveLength(
      1000,
    );
  });

  it('a module whose meter was patched to a huge budget does not load', async () => {
    // Catches: install_code running an uploaded, already-instrumented bundle as it is, so a
    // budget reset patched to 1e300 runs unmetered and blocks every other canister.
    const patched = prepareCanisterModule(source).replace(
      /reset:\(n\)=>\{(__tincan_meter_[0-9a-f]+)=n;\}/,
      'reset:(n)=>{$1=1e300;}',
    );
    expect(patched).toContain('=1e300;');
    const err = await install(new TextEncoder().encode(patched)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/failed to load|not a function/);
    await expectServing();
  });

  it('a module that tries to claim the meter itself is metered anyway, and keeps its module hash', async () => {
    // Catches: an uploaded module registering a meter that never runs out before the replica's
    // own, or the module hash no longer being that of the uploaded bytes.
    const fake =
      'globalThis[Symbol.for("tincan.meter")]?.({reset(){},remaining:()=>1e300,charge(){}});\n';
    const bytes = new TextEncoder().encode(fake + source);
    const id = await install(bytes);
    const status = await management().canister_status({ canister_id: id });
    expect(Buffer.from(status.module_hash[0] ?? []).toString('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    const hostile = Actor.createActor<Hostile>(hostileIdl, { agent, canisterId: id });
    // Each round is well under the update limit; the thirty together are well over it.
    await expect(hostile.resetMeter(30, 1_000_000)).rejects.toThrow(
      /Canister exceeded the limit of \d+ instructions for single message execution/,
    );
    expect(await hostile.bump()).toBe(1n);
    await expectServing();
  });

  it('a module that tries to claim the write barrier itself finds it gone, and its writes are still rolled back', async () => {
    // Catches: the write barrier left to the uploaded module (a raw esbuild bundle carries
    // none), or its global still claimable by module code: then a write before a trap would
    // not be in the undo log and would survive the rollback.
    const fake =
      'if (globalThis[Symbol.for("tincan.barrier")] !== undefined) throw new Error("barrier reachable");\n';
    const id = await install(new TextEncoder().encode(fake + source));
    const hostile = Actor.createActor<Hostile>(hostileIdl, { agent, canisterId: id });
    expect(await hostile.bump()).toBe(1n);
    // `allocate` adds 1000 to the count, then traps at the heap limit.
    await expect(hostile.allocate('repeat')).rejects.toThrow(/heap memory limit exceeded/);
    expect(await hostile.bump()).toBe(2n);
    await expectServing();
  });
});
