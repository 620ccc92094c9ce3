import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { ZERO_FEES } from '@tincan/replica';
import { createTestReplica, useTestReplicas, identity, type TestReplica } from '@tincan/testing';
import type MgmtClient from '../fixtures/mgmt-client.js';
import { rejectOf as outcomeReject, replyValue, stepOnce, submit } from './helpers.js';

// ICP semantics: canisters call the management canister like any canister, through `call`.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const SEED = new Uint8Array(32).fill(42);

describe('canisters calling aaaaa-aa', () => {
  it('raw_rand gives 32 fresh bytes per call, the same sequence for the same replica seed', async () => {
    const sequence = async (seed: Uint8Array): Promise<string[]> => {
      const r = await createTestReplica({ seed });
      try {
        const client = r.replica.actor<MgmtClient>(
          await r.replica.deploy('test/fixtures/mgmt-client.ts'),
        );
        return [hex(await client.rand()), hex(await client.rand()), hex(await client.rand())];
      } finally {
        await r.dispose();
      }
    };
    const first = await sequence(SEED);
    expect(first.every((h) => h.length === 64)).toBe(true);
    expect(new Set(first).size).toBe(3);
    expect(await sequence(SEED)).toEqual(first);
    expect((await sequence(new Uint8Array(32).fill(43)))[0]).not.toBe(first[0]);
  });

  it('raw_rand continues its sequence after a restart instead of repeating it', async () => {
    t = await replicas.create({ seed: SEED });
    const handle = await t.replica.deploy('test/fixtures/mgmt-client.ts');
    const before = hex(await t.replica.actor<MgmtClient>(handle).rand());
    const replica = await t.restart();
    expect(hex(await replica.actor<MgmtClient>(handle).rand())).not.toBe(before);
  });

  it('create_canister makes the calling canister the controller, and records the creation', async () => {
    t = await replicas.create();
    const handle = await t.replica.deploy('test/fixtures/mgmt-client.ts');
    const client = t.replica.actor<MgmtClient>(handle);
    const created = await client.create();
    expect(t.replica.settings(created).controllers.map((p) => p.toText())).toEqual([
      handle.id.toText(),
    ]);
    expect(t.replica.cycleBalance(created)).toBe(0n); // no cycles were attached
    const status = (await client.status(created)) as { status: Record<string, null> };
    expect(status.status).toEqual({ running: null });
    const info = (await client.info(created, 5n)) as {
      total_num_changes: bigint;
      recent_changes: Array<{ origin: unknown; details: unknown }>;
    };
    expect(info.total_num_changes).toBe(1n);
    expect(info.recent_changes[0]?.origin).toEqual({
      from_canister: { canister_id: handle.id, canister_version: [] },
    });
    expect(info.recent_changes[0]?.details).toEqual({ creation: { controllers: [handle.id] } });
  });

  it('canister_info reports deployments, controller changes and uninstalls, newest last', async () => {
    t = await replicas.create();
    const client = t.replica.actor<MgmtClient>(
      await t.replica.deploy('test/fixtures/mgmt-client.ts'),
    );
    const target = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['a'] });
    await t.replica.upgrade(target, 'test/fixtures/upgrade-v2.ts', { args: ['b'] });
    const alice = identity('alice');
    t.replica.updateSettings(target, { controllers: [Principal.anonymous(), alice] });
    t.replica.updateSettings(target, { freezingThresholdSeconds: 100n }); // no controllers: not a recorded change
    t.replica.uninstall(target);
    const info = (await client.info(target.id, 20n)) as {
      total_num_changes: bigint;
      recent_changes: Array<{ canister_version: bigint; details: Record<string, unknown> }>;
      module_hash: unknown[];
    };
    expect(info.total_num_changes).toBe(5n);
    expect(info.recent_changes.map((c) => Object.keys(c.details)[0])).toEqual([
      'creation',
      'code_deployment',
      'code_deployment',
      'controllers_change',
      'code_uninstall',
    ]);
    const modes = info.recent_changes
      .filter((c) => 'code_deployment' in c.details)
      .map((c) => Object.keys((c.details.code_deployment as { mode: object }).mode)[0]);
    expect(modes).toEqual(['install', 'upgrade']);
    const versions = info.recent_changes.map((c) => c.canister_version);
    expect([...versions].sort((a, b) => (a < b ? -1 : 1))).toEqual(versions);
    expect(info.module_hash).toEqual([]);
    expect(
      ((await client.info(target.id, 2n)) as { recent_changes: unknown[] }).recent_changes,
    ).toHaveLength(2);
  });

  it('a call to aaaaa-aa made by an execution that trapped is never sent', async () => {
    t = await replicas.create({ seed: SEED });
    const handle = await t.replica.deploy('test/fixtures/mgmt-client.ts');
    const trapped = submit(t.replica, handle.id, 'randThenTrap');
    stepOnce(t.replica);
    expect(outcomeReject(trapped.outcome).message).toMatch(/changed my mind/);
    expect(t.replica.runtime.pendingCount).toBe(0);
    // The stream was not advanced: the first raw_rand now gives the seed's first bytes.
    const fresh = await createTestReplica({ seed: SEED });
    try {
      const expected = hex(
        await fresh.replica
          .actor<MgmtClient>(await fresh.replica.deploy('test/fixtures/mgmt-client.ts'))
          .rand(),
      );
      expect(hex(await t.replica.actor<MgmtClient>(handle).rand())).toBe(expected);
    } finally {
      await fresh.dispose();
    }
  });

  it('requests to aaaaa-aa from one canister run in the order they were sent', async () => {
    t = await replicas.create({ seed: SEED });
    const handle = await t.replica.deploy('test/fixtures/mgmt-client.ts');
    const calls = [
      submit(t.replica, handle.id, 'create'),
      submit(t.replica, handle.id, 'create'),
      submit(t.replica, handle.id, 'create'),
    ];
    t.replica.runtime.runUntilIdle();
    const ids = calls.map((c) => (replyValue(c.outcome, IDL.Principal) as Principal).toText());
    const indexes = t.replica.runtime
      .canisters()
      .map((r) => Principal.fromUint8Array(r.id).toText());
    expect(ids).toEqual(indexes.slice(1)); // created in submission order, right after the client
  });

  it('refuses non-controllers with IC0512, unknown methods with IC0536 and bad Candid with IC0408', async () => {
    t = await replicas.create();
    const client = t.replica.actor<MgmtClient>(
      await t.replica.deploy('test/fixtures/mgmt-client.ts'),
    );
    const other = await t.replica.deploy('canisters/counter/src/index.ts'); // controlled by anonymous, not the client
    const idArg = new Uint8Array(
      IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: other.id }]),
    );
    expect(await client.raw('stop_canister', idArg)).toMatch(
      /^5: IC0512: Only the controllers of the canister .* can control it/,
    );
    expect(t.replica.status(other)).toBe('running');
    // As any canister's missing method: reject 5, IC0536, the system's prefix between canisters.
    expect(await client.raw('no_such_method', idArg)).toBe(
      "5: IC0536: Error from Canister aaaaa-aa: Canister has no update method 'no_such_method'..\nCheck that the method being called is exported by the target canister. See documentation: https://docs.internetcomputer.org/references/execution-errors#method-not-found",
    );
    expect(await client.raw('stop_canister', new Uint8Array([1, 2, 3]))).toMatch(
      /^4: Error decoding candid for method stop_canister/,
    );
    expect(await client.raw('fetch_canister_logs', idArg)).toMatch(
      /^5: IC0504: fetch_canister_logs API is only accessible in non-replicated mode/,
    );
    // The anonymous controller may, in-process, through the same management canister.
    const outcome = await t.replica.update(Principal.managementCanister(), 'stop_canister', idArg);
    expect('reply' in outcome).toBe(true);
    expect(t.replica.status(other)).toBe('stopped');
  });

  it('refuses ingress to canister-only methods, as the IC does', async () => {
    t = await replicas.create();
    const outcome = await t.replica.update(
      Principal.managementCanister(),
      'raw_rand',
      new Uint8Array(IDL.encode([], [])),
    );
    expect('reject' in outcome && outcome.reject).toMatchObject({
      code: 4,
      errorCode: 'IC0406',
      message: 'Only canisters can call ic00 method raw_rand',
    });
  });

  it('stop_canister answers only once the canister is stopped', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const caller = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
    const ping = submit(t.replica, caller.id, 'ping', [IDL.Principal], [counter.id]);
    stepOnce(t.replica); // ping awaits the counter: one open call context
    const stop = submit(
      t.replica,
      Principal.managementCanister(),
      'stop_canister',
      [IDL.Record({ canister_id: IDL.Principal })],
      [{ canister_id: caller.id }],
    );
    stepOnce(t.replica); // the counter's increment (FIFO)
    stepOnce(t.replica); // the stop request runs: the caller is stopping
    expect(t.replica.status(caller)).toBe('stopping');
    expect(stop.outcome).toBeUndefined();
    t.replica.runtime.runUntilIdle();
    expect(ping.outcome !== undefined && 'reply' in ping.outcome).toBe(true);
    expect(stop.outcome !== undefined && 'reply' in stop.outcome).toBe(true);
    expect(t.replica.status(caller)).toBe('stopped');
  });

  it('a pending stop_canister is rejected with IC0511 when the canister is started first', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const caller = await t.replica.deploy('test/fixtures/upgrade-v1.ts', { initArgs: ['x'] });
    submit(t.replica, caller.id, 'ping', [IDL.Principal], [counter.id]);
    stepOnce(t.replica);
    const stop = submit(
      t.replica,
      Principal.managementCanister(),
      'stop_canister',
      [IDL.Record({ canister_id: IDL.Principal })],
      [{ canister_id: caller.id }],
    );
    stepOnce(t.replica);
    stepOnce(t.replica);
    expect(stop.outcome).toBeUndefined();
    t.replica.start(caller);
    expect(outcomeReject(stop.outcome)).toMatchObject({ code: 5, errorCode: 'IC0511' });
    expect(t.replica.status(caller)).toBe('running');
  });

  it('delete_canister refuses a running canister (IC0510) and discards the cycles of a stopped one', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts', { cycles: 7n });
    const arg = new Uint8Array(
      IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: counter.id }]),
    );
    const running = await t.replica.update(Principal.managementCanister(), 'delete_canister', arg);
    expect('reject' in running && running.reject).toMatchObject({ code: 5, errorCode: 'IC0510' });
    await t.replica.stop(counter);
    const deleted = await t.replica.update(Principal.managementCanister(), 'delete_canister', arg);
    expect('reply' in deleted).toBe(true);
    expect(
      t.replica.runtime
        .canisters()
        .some((r) => Principal.fromUint8Array(r.id).toText() === counter.id.toText()),
    ).toBe(false);
    const gone = await t.replica.update(counter.id, 'get', new Uint8Array(IDL.encode([], [])));
    expect('reject' in gone && gone.reject).toMatchObject({ code: 3, errorCode: 'IC0301' });
  });

  it('conserves cycles attached to management calls: deposits and creations keep them, others refund them all', async () => {
    t = await replicas.create({ fees: ZERO_FEES });
    const client = await t.replica.deploy('test/fixtures/mgmt-client.ts', { cycles: 1_000_000n });
    const target = await t.replica.deploy('canisters/counter/src/index.ts', { cycles: 0n });
    const actor = t.replica.actor<MgmtClient>(client);
    const idArg = (id: Principal): Uint8Array =>
      new Uint8Array(
        IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: id }]),
      );

    // deposit_cycles keeps everything attached: nothing comes back, the target gets it all.
    expect(await actor.rawWithCycles('deposit_cycles', idArg(target.id), 1_000n)).toBe(0n);
    expect(t.replica.cycleBalance(client)).toBe(999_000n);
    expect(t.replica.cycleBalance(target)).toBe(1_000n);

    // raw_rand accepts nothing: the refund is the whole attachment and no balance moves.
    expect(await actor.rawWithCycles('raw_rand', new Uint8Array(IDL.encode([], [])), 500n)).toBe(
      500n,
    );
    expect(t.replica.cycleBalance(client)).toBe(999_000n);

    // A rejected management call (non-controller) refunds everything too.
    await expect(actor.rawWithCycles('stop_canister', idArg(target.id), 700n)).rejects.toThrow(
      /IC0512|controller/,
    );
    expect(t.replica.cycleBalance(client)).toBe(999_000n);

    // create_canister turns the attached cycles into the new canister's balance.
    const createArg = new Uint8Array(
      IDL.encode(
        [
          IDL.Record({
            settings: IDL.Opt(IDL.Record({})),
            sender_canister_version: IDL.Opt(IDL.Nat64),
          }),
        ],
        [{ settings: [], sender_canister_version: [] }],
      ),
    );
    expect(await actor.rawWithCycles('create_canister', createArg, 2_000n)).toBe(0n);
    expect(t.replica.cycleBalance(client)).toBe(997_000n);
    const created = t.replica.runtime.canisters().at(-1);
    expect(created?.cycles).toBe(2_000n);
  });
});
