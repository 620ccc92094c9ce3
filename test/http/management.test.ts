/**
 * The management canister over real HTTP with the unmodified @dfinity/agent: create, install,
 * call, upgrade, status, stop/start/delete, and who may do what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, HttpAgent, type ActorSubclass, type Identity } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import { Principal } from '@dfinity/principal';
import { buildCanisterModule, managementIdlFactory, type CanisterModule } from '@tincan/replica';
import { startCounterOverHttp, stopCounterOverHttp, type CounterOverHttp } from './harness.js';

type Opt<T> = [] | [T];
/** The management methods these tests call, as the agent decodes them. */
interface Management {
  provisional_create_canister_with_cycles(arg: { amount: Opt<bigint>; settings: Opt<Record<string, unknown>>; specified_id: Opt<Principal>; sender_canister_version: Opt<bigint> }): Promise<{ canister_id: Principal }>;
  install_code(arg: { mode: Record<string, unknown>; canister_id: Principal; wasm_module: Uint8Array; arg: Uint8Array; sender_canister_version: Opt<bigint> }): Promise<void>;
  canister_status(arg: { canister_id: Principal }): Promise<{
    status: Record<string, null>;
    module_hash: Opt<Uint8Array>;
    cycles: bigint;
    memory_size: bigint;
    settings: { controllers: Principal[]; freezing_threshold: bigint; log_visibility: Record<string, null> };
  }>;
  update_settings(arg: { canister_id: Principal; settings: Record<string, unknown>; sender_canister_version: Opt<bigint> }): Promise<void>;
  stop_canister(arg: { canister_id: Principal }): Promise<void>;
  start_canister(arg: { canister_id: Principal }): Promise<void>;
  delete_canister(arg: { canister_id: Principal }): Promise<void>;
  raw_rand(): Promise<Uint8Array>;
  provisional_top_up_canister(arg: { canister_id: Principal; amount: bigint }): Promise<void>;
  fetch_canister_logs(arg: { canister_id: Principal }): Promise<{ canister_log_records: Array<{ idx: bigint; timestamp_nanos: bigint; content: Uint8Array }> }>;
}

const NO_SETTINGS = { controllers: [], compute_allocation: [], memory_allocation: [], freezing_threshold: [], reserved_cycles_limit: [], log_visibility: [], wasm_memory_limit: [], wasm_memory_threshold: [] };

let h: CounterOverHttp;
let v1: CanisterModule;
let v2: CanisterModule;
const owner = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));
const stranger = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(9));

beforeAll(async () => {
  h = await startCounterOverHttp();
  [v1, v2] = await Promise.all([buildCanisterModule('test/fixtures/upgrade-v1.ts'), buildCanisterModule('test/fixtures/upgrade-v2.ts')]);
});

afterAll(() => stopCounterOverHttp(h));

async function agentAs(identity?: Identity): Promise<HttpAgent> {
  return HttpAgent.create({ host: h.server.url, shouldFetchRootKey: true, ...(identity !== undefined && { identity }) });
}

/** The management canister as an actor; the effective canister id is the `canister_id` argument, as agents set it. */
async function management(identity?: Identity): Promise<ActorSubclass<Management>> {
  return Actor.createActor<Management>(managementIdlFactory, {
    agent: await agentAs(identity),
    canisterId: Principal.managementCanister(),
    callTransform: effectiveId,
    queryTransform: effectiveId,
  });
}

function effectiveId(_method: string, args: unknown[]): { effectiveCanisterId: Principal } {
  const first = args[0] as { canister_id?: Principal } | undefined;
  return { effectiveCanisterId: first?.canister_id ?? Principal.managementCanister() };
}

const fixtureIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    put: I.Func([I.Text, I.Text], [I.Null], []),
    get: I.Func([I.Text], [I.Opt(I.Text)], ['query']),
    version: I.Func([], [I.Text], ['query']),
  });

interface Fixture {
  put(key: string, value: string): Promise<null>;
  get(key: string): Promise<Opt<string>>;
  version(): Promise<string>;
}

async function createInstalled(ic: ActorSubclass<Management>): Promise<Principal> {
  const { canister_id } = await ic.provisional_create_canister_with_cycles({ amount: [5_000_000_000_000n], settings: [], specified_id: [], sender_canister_version: [] });
  await ic.install_code({ mode: { install: null }, canister_id, wasm_module: v1.wasmModule, arg: new Uint8Array(IDL.encode([IDL.Text], ['first'])), sender_canister_version: [] });
  return canister_id;
}

describe('management canister over HTTP', () => {
  it('creates, installs, calls, upgrades and reports status through the agent', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    const fixture = Actor.createActor<Fixture>(fixtureIdl, { agent: await agentAs(owner), canisterId: id });
    expect(await fixture.get('tag')).toEqual(['first']);
    await fixture.put('k', 'v');

    const before = await ic.canister_status({ canister_id: id });
    expect(before.status).toEqual({ running: null });
    expect(before.cycles).toBe(5_000_000_000_000n);
    expect(before.settings.controllers.map((p) => p.toText())).toEqual([owner.getPrincipal().toText()]);
    expect(Buffer.from(before.module_hash[0] ?? []).toString('hex')).toBe(Buffer.from(v1.moduleHash).toString('hex'));
    expect(before.memory_size).toBeGreaterThan(BigInt(v1.wasmModule.length - 1));

    await ic.install_code({ mode: { upgrade: [] }, canister_id: id, wasm_module: v2.wasmModule, arg: new Uint8Array(IDL.encode([IDL.Text], ['up'])), sender_canister_version: [] });
    expect(await fixture.get('k')).toEqual(['v']);
    expect(await fixture.get('postUpgrade')).toEqual(['up']);
    const after = await ic.canister_status({ canister_id: id });
    expect(Buffer.from(after.module_hash[0] ?? []).toString('hex')).toBe(Buffer.from(v2.moduleHash).toString('hex'));
  });

  it('installing over existing code with mode install is refused with IC0514', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    await expect(ic.install_code({ mode: { install: null }, canister_id: id, wasm_module: v2.wasmModule, arg: new Uint8Array(IDL.encode([IDL.Text], ['x'])), sender_canister_version: [] })).rejects.toThrow(/IC0514|not empty/);
  });
});
