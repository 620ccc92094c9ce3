import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, HttpAgent, type ActorSubclass } from '@dfinity/agent';
import * as icpAgent from '@icp-sdk/core/agent';
import { IDL as IcpIDL } from '@icp-sdk/core/candid';
import type { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { createTestReplica, type TestReplica } from '@tincan/testing';
import { startHttpServer, type HttpServer } from '@tincan/http';
import { WALL_CLOCK } from './harness.js';

// Composite queries through the unmodified agent: a signed query over
// /api/v3/canister/<id>/query whose canister calls other canisters' queries.
interface Composite {
  set(n: bigint): Promise<bigint>;
  get(): Promise<bigint>;
  sum(targets: Principal[]): Promise<bigint>;
  chain(path: Principal[]): Promise<bigint>;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    set: I.Func([I.Nat], [I.Nat], []),
    get: I.Func([], [I.Nat], ['query']),
    sum: I.Func([I.Vec(I.Principal)], [I.Nat], ['composite_query']),
    chain: I.Func([I.Vec(I.Principal)], [I.Nat], ['composite_query']),
  });

/** The same interface with `sum` declared an update: the agent sends it through consensus. */
const asUpdate: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({ sum: I.Func([I.Vec(I.Principal)], [I.Nat], []) });

let t: TestReplica;
let server: HttpServer;
let ids: Principal[];

async function actorOf(id: Principal): Promise<ActorSubclass<Composite>> {
  const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
  return Actor.createActor<Composite>(idlFactory, { agent, canisterId: id });
}

beforeAll(async () => {
  t = await createTestReplica({ clock: WALL_CLOCK });
  ids = [];
  for (let i = 0; i < 8; i++)
    ids.push((await t.replica.deploy('test/fixtures/composite-query.ts')).id);
  server = await startHttpServer({ port: 0, host: '127.0.0.1', replica: t.replica });
});

afterAll(async () => {
  await server?.close();
  await t?.dispose();
});

function rejectOf(
  err: unknown,
): { rejectCode?: number; rejectErrorCode?: string; rejectMessage?: string } | undefined {
  return (
    err as {
      cause?: { code?: { rejectCode?: number; rejectErrorCode?: string; rejectMessage?: string } };
    }
  ).cause?.code;
}

describe('composite queries over HTTP with @dfinity/agent', () => {
  it('answers a signed composite query that calls two canisters, and keeps none of its changes', async () => {
    const [a, b, c] = ids as [Principal, Principal, Principal];
    await (await actorOf(a)).set(1n);
    await (await actorOf(b)).set(20n);
    await (await actorOf(c)).set(300n);
    const actor = await actorOf(a);
    expect(await actor.sum([b, c])).toBe(522n);
    expect(await actor.get()).toBe(1n);
    expect(await actor.sum([b, c])).toBe(522n);
  });

  it('answers the same composite query through @icp-sdk/core', async () => {
    const [a, b, c] = ids as [Principal, Principal, Principal];
    const agent = await icpAgent.HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const factory = ({ IDL: I }: { IDL: typeof IcpIDL }): IcpIDL.ServiceClass =>
      I.Service({ sum: I.Func([I.Vec(I.Principal)], [I.Nat], ['composite_query']) });
    const actor = icpAgent.Actor.createActor<{ sum(targets: string[]): Promise<bigint> }>(
      factory as never,
      { agent, canisterId: a.toText() },
    );
    expect(await actor.sum([b, c] as never)).toBe(522n);
  });

  it('refuses a composite query sent as an update call with IC0527', async () => {
    const agent = await HttpAgent.create({ host: server.url, shouldFetchRootKey: true });
    const actor = Actor.createActor<{ sum(targets: Principal[]): Promise<bigint> }>(asUpdate, {
      agent,
      canisterId: ids[0] as Principal,
    });
    const err = await actor.sum([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rejectOf(err)).toMatchObject({
      rejectCode: 5,
      rejectErrorCode: 'IC0527',
      rejectMessage: 'Composite query cannot be called in replicated mode',
    });
  });

  it('rejects a call graph deeper than 6 with IC0525, the error the agent reports', async () => {
    const [first, ...rest] = ids as [Principal, ...Principal[]];
    const actor = await actorOf(first);
    expect(await actor.chain(rest.slice(0, 6))).toBe(6n);
    const err = await actor.chain(rest.slice(0, 7)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(rejectOf(err)).toMatchObject({
      rejectCode: 5,
      rejectErrorCode: 'IC0525',
      rejectMessage: 'Composite query calls exceeded the maximum call depth.',
    });
  });
});
