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
import type MgmtClient from '../fixtures/mgmt-client.js';
import { startCounterOverHttp, stopCounterOverHttp, type CounterOverHttp } from './harness.js';

type Opt<T> = [] | [T];
/** The management methods these tests call, as the agent decodes them. */
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
  canister_status(arg: { canister_id: Principal }): Promise<{
    status: Record<string, null>;
    module_hash: Opt<Uint8Array>;
    cycles: bigint;
    memory_size: bigint;
    settings: {
      controllers: Principal[];
      freezing_threshold: bigint;
      log_visibility: Record<string, null>;
    };
  }>;
  update_settings(arg: {
    canister_id: Principal;
    settings: Record<string, unknown>;
    sender_canister_version: Opt<bigint>;
  }): Promise<void>;
  stop_canister(arg: { canister_id: Principal }): Promise<void>;
  start_canister(arg: { canister_id: Principal }): Promise<void>;
  delete_canister(arg: { canister_id: Principal }): Promise<void>;
  raw_rand(): Promise<Uint8Array>;
  provisional_top_up_canister(arg: { canister_id: Principal; amount: bigint }): Promise<void>;
  fetch_canister_logs(arg: { canister_id: Principal }): Promise<{
    canister_log_records: Array<{ idx: bigint; timestamp_nanos: bigint; content: Uint8Array }>;
  }>;
}

const NO_SETTINGS = {
  controllers: [],
  compute_allocation: [],
  memory_allocation: [],
  freezing_threshold: [],
  reserved_cycles_limit: [],
  log_visibility: [],
  wasm_memory_limit: [],
  wasm_memory_threshold: [],
};

let h: CounterOverHttp;
let v1: CanisterModule;
let v2: CanisterModule;
const owner = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(7));
const stranger = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(9));

beforeAll(async () => {
  h = await startCounterOverHttp();
  [v1, v2] = await Promise.all([
    buildCanisterModule('test/fixtures/upgrade-v1.ts'),
    buildCanisterModule('test/fixtures/upgrade-v2.ts'),
  ]);
});

afterAll(() => stopCounterOverHttp(h));

async function agentAs(identity?: Identity): Promise<HttpAgent> {
  return HttpAgent.create({
    host: h.server.url,
    shouldFetchRootKey: true,
    ...(identity !== undefined && { identity }),
  });
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
  const { canister_id } = await ic.provisional_create_canister_with_cycles({
    amount: [5_000_000_000_000n],
    settings: [],
    specified_id: [],
    sender_canister_version: [],
  });
  await ic.install_code({
    mode: { install: null },
    canister_id,
    wasm_module: v1.wasmModule,
    arg: new Uint8Array(IDL.encode([IDL.Text], ['first'])),
    sender_canister_version: [],
  });
  return canister_id;
}

describe('management canister over HTTP', () => {
  it('creates, installs, calls, upgrades and reports status through the agent', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    const fixture = Actor.createActor<Fixture>(fixtureIdl, {
      agent: await agentAs(owner),
      canisterId: id,
    });
    expect(await fixture.get('tag')).toEqual(['first']);
    await fixture.put('k', 'v');

    const before = await ic.canister_status({ canister_id: id });
    expect(before.status).toEqual({ running: null });
    // 5T given at creation, less the 13-node fees of the install and the calls so far.
    expect(before.cycles).toBeLessThan(5_000_000_000_000n);
    expect(before.cycles).toBeGreaterThan(4_990_000_000_000n);
    expect(before.settings.controllers.map((p) => p.toText())).toEqual([
      owner.getPrincipal().toText(),
    ]);
    expect(Buffer.from(before.module_hash[0] ?? []).toString('hex')).toBe(
      Buffer.from(v1.moduleHash).toString('hex'),
    );
    expect(before.memory_size).toBeGreaterThan(BigInt(v1.wasmModule.length - 1));

    await ic.install_code({
      mode: { upgrade: [] },
      canister_id: id,
      wasm_module: v2.wasmModule,
      arg: new Uint8Array(IDL.encode([IDL.Text], ['up'])),
      sender_canister_version: [],
    });
    expect(await fixture.get('k')).toEqual(['v']);
    expect(await fixture.get('postUpgrade')).toEqual(['up']);
    const after = await ic.canister_status({ canister_id: id });
    expect(Buffer.from(after.module_hash[0] ?? []).toString('hex')).toBe(
      Buffer.from(v2.moduleHash).toString('hex'),
    );
  });

  it('installing over existing code with mode install is refused with IC0514', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    await expect(
      ic.install_code({
        mode: { install: null },
        canister_id: id,
        wasm_module: v2.wasmModule,
        arg: new Uint8Array(IDL.encode([IDL.Text], ['x'])),
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/IC0514|not empty/);
  });

  it('refuses a non-controller with IC0512 and lets a controller hand over control', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    const theirs = await management(stranger);
    await expect(theirs.stop_canister({ canister_id: id })).rejects.toThrow(
      /IC0512|Only the controllers of the canister/,
    );
    await expect(
      theirs.install_code({
        mode: { reinstall: null },
        canister_id: id,
        wasm_module: v1.wasmModule,
        arg: new Uint8Array(IDL.encode([IDL.Text], ['x'])),
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/Only the controllers/);
    await expect(theirs.canister_status({ canister_id: id })).rejects.toThrow(
      /Only the controllers/,
    );
    expect(h.t.replica.status(id)).toBe('running');
    await ic.update_settings({
      canister_id: id,
      settings: {
        ...NO_SETTINGS,
        controllers: [[owner.getPrincipal(), stranger.getPrincipal()]],
        freezing_threshold: [1234n],
      },
      sender_canister_version: [],
    });
    const status = await theirs.canister_status({ canister_id: id });
    expect(status.settings.freezing_threshold).toBe(1234n);
    expect(status.settings.controllers.map((p) => p.toText()).sort()).toEqual(
      [owner.getPrincipal().toText(), stranger.getPrincipal().toText()].sort(),
    );
  });

  it('stops, starts, and deletes only a stopped canister', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    await expect(ic.delete_canister({ canister_id: id })).rejects.toThrow(/IC0510|must be stopped/);
    await ic.stop_canister({ canister_id: id });
    expect((await ic.canister_status({ canister_id: id })).status).toEqual({ stopped: null });
    const fixture = Actor.createActor<Fixture>(fixtureIdl, {
      agent: await agentAs(owner),
      canisterId: id,
    });
    await expect(fixture.put('a', 'b')).rejects.toThrow(/IC0508|stopped/);
    await ic.start_canister({ canister_id: id });
    await fixture.put('a', 'b');
    await ic.stop_canister({ canister_id: id });
    await ic.delete_canister({ canister_id: id });
    await expect(fixture.put('a', 'c')).rejects.toThrow(/not found|IC0301/);
  });

  it('tops up cycles with provisional_top_up_canister, for anyone', async () => {
    const id = await createInstalled(await management(owner));
    await (
      await management(stranger)
    ).provisional_top_up_canister({ canister_id: id, amount: 1_000n });
    expect(h.t.replica.cycleBalance(id)).toBe(5_000_000_001_000n);
  });

  it('refuses raw_rand from ingress; a canister deployed over HTTP gets it, and reads canister_info', async () => {
    const ic = await management(owner);
    await expect(ic.raw_rand()).rejects.toThrow(/Only canisters can call ic00 method raw_rand/);
    const { canister_id } = await ic.provisional_create_canister_with_cycles({
      amount: [],
      settings: [],
      specified_id: [],
      sender_canister_version: [],
    });
    const client = await buildCanisterModule('test/fixtures/mgmt-client.ts');
    await ic.install_code({
      mode: { install: null },
      canister_id,
      wasm_module: client.wasmModule,
      arg: new Uint8Array(IDL.encode([], [])),
      sender_canister_version: [],
    });
    const clientIdl: IDL.InterfaceFactory = ({ IDL: I }) =>
      I.Service({ rand: I.Func([], [I.Vec(I.Nat8)], []) });
    const actor = Actor.createActor<{ rand(): Promise<Uint8Array> }>(clientIdl, {
      agent: await agentAs(owner),
      canisterId: canister_id,
    });
    const [a, b] = [await actor.rand(), await actor.rand()];
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    const info = (await h.t.replica.actor<MgmtClient>(canister_id).info(canister_id, 10n)) as {
      recent_changes: Array<{ origin: unknown; details: Record<string, unknown> }>;
    };
    expect(info.recent_changes.map((c) => Object.keys(c.details)[0])).toEqual([
      'creation',
      'code_deployment',
    ]);
    expect(info.recent_changes[0]?.origin).toEqual({
      from_user: { user_id: owner.getPrincipal() },
    });
  });

  it('fetch_canister_logs is a query for controllers, or for anyone once the log is public', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    const fixture = Actor.createActor<{ breakPreUpgrade(): Promise<null> }>(
      ({ IDL: I }) => I.Service({ breakPreUpgrade: I.Func([], [I.Null], []) }),
      { agent: await agentAs(owner), canisterId: id },
    );
    await fixture.breakPreUpgrade();
    // A failing upgrade leaves a trap in the log.
    await expect(
      ic.install_code({
        mode: { upgrade: [] },
        canister_id: id,
        wasm_module: v2.wasmModule,
        arg: new Uint8Array(IDL.encode([IDL.Text], ['x'])),
        sender_canister_version: [],
      }),
    ).rejects.toThrow(/preUpgrade refuses/);
    const { canister_log_records: records } = await ic.fetch_canister_logs({ canister_id: id });
    expect(records.length).toBeGreaterThan(0);
    expect(records.map((r) => Number(r.idx))).toEqual(
      records.map((_, i) => Number(records[0]?.idx ?? 0) + i),
    );
    const theirs = await management(stranger);
    await expect(theirs.fetch_canister_logs({ canister_id: id })).rejects.toThrow(
      /Only the controllers/,
    );
    await ic.update_settings({
      canister_id: id,
      settings: { ...NO_SETTINGS, log_visibility: [{ public: null }] },
      sender_canister_version: [],
    });
    expect(
      (await theirs.fetch_canister_logs({ canister_id: id })).canister_log_records,
    ).toHaveLength(records.length);
  });

  it('answers 400 when the effective canister id is not the canister_id argument', async () => {
    const ic = await management(owner);
    const id = await createInstalled(ic);
    const other = await createInstalled(ic);
    const wrong = Actor.createActor<Management>(managementIdlFactory, {
      agent: await agentAs(owner),
      canisterId: Principal.managementCanister(),
      effectiveCanisterId: other,
    });
    await expect(wrong.stop_canister({ canister_id: id })).rejects.toThrow(
      /does not match the canister_id/,
    );
    expect(h.t.replica.status(id)).toBe('running');
  });
});
