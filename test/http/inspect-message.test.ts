import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Actor,
  HttpAgent,
  RejectError,
  UncertifiedRejectUpdateErrorCode,
  type ActorSubclass,
  type Identity,
} from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Ed25519KeyIdentity } from '@dfinity/identity';
import type { Principal } from '@dfinity/principal';
import { decodeCbor } from '@tincan/certification';
import {
  anonymousContent,
  counterValue,
  envelope,
  natArg,
  postCbor,
  startCounterOverHttp,
  stopCounterOverHttp,
  type CounterOverHttp,
} from './harness.js';

// canister_inspect_message over the real HTTP interface, with the unmodified agent: a refused
// ingress call is answered 200 with a non-replicated rejection, and never executes.
interface Inspected {
  add(n: bigint): Promise<bigint>;
  secret(): Promise<string>;
  boom(): Promise<bigint>;
  spin(): Promise<bigint>;
  peek(): Promise<bigint>;
  state(): Promise<{ count: bigint; inspections: bigint; seen: number }>;
}

const idlFactory: IDL.InterfaceFactory = ({ IDL: I }) =>
  I.Service({
    add: I.Func([I.Nat], [I.Nat], []),
    secret: I.Func([], [I.Text], []),
    boom: I.Func([], [I.Nat], []),
    spin: I.Func([], [I.Nat], []),
    peek: I.Func([], [I.Nat], ['query']),
    state: I.Func([], [I.Record({ count: I.Nat, inspections: I.Nat, seen: I.Nat32 })], ['query']),
  });

let h: CounterOverHttp;
let inspected: Principal;
const alice = Ed25519KeyIdentity.generate();

beforeAll(async () => {
  // A small query budget keeps the runaway inspection short.
  h = await startCounterOverHttp({ replicaOptions: { instructionLimits: { query: 2_000_000 } } });
  inspected = (await h.t.replica.deploy('test/fixtures/inspect-message.ts')).id;
});

afterAll(() => stopCounterOverHttp(h));

async function agentFor(identity?: Identity): Promise<HttpAgent> {
  return HttpAgent.create({
    host: h.server.url,
    shouldFetchRootKey: true,
    ...(identity !== undefined && { identity }),
  });
}

async function inspectedAs(identity?: Identity): Promise<ActorSubclass<Inspected>> {
  return Actor.createActor<Inspected>(idlFactory, {
    agent: await agentFor(identity),
    canisterId: inspected,
  });
}

/** The uncertified reject the agent throws for a refused call. */
async function refusalOf(call: Promise<unknown>): Promise<UncertifiedRejectUpdateErrorCode> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RejectError);
  const code = (err as RejectError).cause.code;
  expect(code).toBeInstanceOf(UncertifiedRejectUpdateErrorCode);
  const reject = code as UncertifiedRejectUpdateErrorCode;
  // What a caller prints carries the reason.
  expect((err as RejectError).message).toContain(reject.rejectMessage);
  return reject;
}

async function inspectedState(): Promise<unknown> {
  return (await inspectedAs()).state();
}

describe('canister_inspect_message over HTTP with @dfinity/agent', () => {
  it('refuses what @inspectMessage refuses: the agent throws the reason and nothing runs', async () => {
    const anonymous = await inspectedAs();
    const refused = await refusalOf(anonymous.add(5n));
    expect(refused.rejectCode).toBe(4);
    expect(refused.rejectErrorCode).toBe('IC0406');
    expect(refused.rejectMessage).toBe(`Canister ${inspected.toText()} rejected the message`);
    expect((await refusalOf((await inspectedAs(alice)).secret())).rejectErrorCode).toBe('IC0406');
    expect(await inspectedState()).toEqual({ count: 0n, inspections: 0n, seen: 0 });
  });

  it('executes an accepted call, and the inspection left no trace', async () => {
    const actor = await inspectedAs(alice);
    expect(await actor.add(5n)).toBe(5n);
    expect(await actor.add(2n)).toBe(7n);
    expect(await inspectedState()).toEqual({ count: 7n, inspections: 0n, seen: 0 });
  });

  it('refuses when the inspection traps, with the trap message', async () => {
    const refused = await refusalOf((await inspectedAs(alice)).boom());
    expect(refused.rejectCode).toBe(5);
    expect(refused.rejectErrorCode).toBe('IC0503');
    expect(refused.rejectMessage).toContain('boom is not allowed');
  });

  it('refuses a runaway inspection, and the replica keeps serving', async () => {
    const actor = await inspectedAs(alice);
    const refused = await refusalOf(actor.spin());
    expect(refused.rejectErrorCode).toBe('IC0522');
    expect(refused.rejectMessage).toContain('instructions for single message execution.');
    expect(await actor.add(1n)).toBe(8n);
  });

  it('does not inspect query calls', async () => {
    expect(await (await inspectedAs()).peek()).toBe(8n);
  });

  it('accepts everything for a canister without @inspectMessage', async () => {
    const counter = Actor.createActor<{ add(n: bigint): Promise<bigint> }>(
      ({ IDL: I }) => I.Service({ add: I.Func([I.Nat], [I.Nat], []) }),
      {
        agent: await agentFor(),
        canisterId: h.canisterId,
      },
    );
    const before = await counterValue(h);
    expect(await counter.add(3n)).toBe(before + 3n);
  });

  it('answers a refused v2 call 200 with the reject, and a v3/v4 call as a non_replicated_rejection', async () => {
    const content = anonymousContent('call', inspected, 'add', natArg(1n));
    const v2 = await postCbor(
      h.server,
      `/api/v2/canister/${inspected.toText()}/call`,
      envelope(content),
    );
    expect(v2.status).toBe(200);
    expect(decodeCbor(new Uint8Array(await v2.arrayBuffer()))).toEqual({
      reject_code: 4,
      reject_message: `Canister ${inspected.toText()} rejected the message`,
      error_code: 'IC0406',
    });
    for (const version of ['v3', 'v4']) {
      const res = await postCbor(
        h.server,
        `/api/${version}/canister/${inspected.toText()}/call`,
        envelope(anonymousContent('call', inspected, 'add', natArg(1n))),
      );
      expect(res.status).toBe(200);
      expect(decodeCbor(new Uint8Array(await res.arrayBuffer()))).toMatchObject({
        status: 'non_replicated_rejection',
        reject_code: 4,
        error_code: 'IC0406',
      });
    }
    // The agent's own v2 path reads the same body as a reject.
    const agent = await agentFor();
    const { response } = await agent.call(inspected, {
      methodName: 'add',
      arg: natArg(1n),
      effectiveCanisterId: inspected,
      callSync: false,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ reject_code: 4, error_code: 'IC0406' });
    expect(await inspectedState()).toEqual({ count: 8n, inspections: 0n, seen: 0 });
  });
});
