/**
 * Hostile Candid arguments sent over HTTP to deployed canisters: as updates through the real
 * agent and as raw query requests. Each is rejected with code 5 and a message naming what is
 * wrong, and the replica keeps serving: status answers and a bystander update succeeds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Actor, HttpAgent, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { hostileCandid, type HostileTarget } from '@tincan/candid';
import { decodeCbor } from '@tincan/certification';
import {
  anonymousContent,
  envelope,
  postCbor,
  startCounterOverHttp,
  stopCounterOverHttp,
  type CounterOverHttp,
} from './harness.js';

let h: CounterOverHttp;
let argsCanister: Principal;
let agent: HttpAgent;

beforeAll(async () => {
  h = await startCounterOverHttp();
  argsCanister = (await h.t.replica.deploy('test/fixtures/candid-args.ts')).id;
  agent = await HttpAgent.create({ host: h.server.url, shouldFetchRootKey: true });
}, 120_000);
afterAll(() => stopCounterOverHttp(h));

/** Where each target type is a parameter of an update (the counter's `add` takes a nat) and of a query. */
function methodsFor(target: HostileTarget): { update: [Principal, string]; query: string } {
  switch (target) {
    case 'nat':
      return { update: [h.canisterId, 'add'], query: 'natQuery' };
    case 'text':
      return { update: [argsCanister, 'textLength'], query: 'textLengthQuery' };
    case 'blob':
      return { update: [argsCanister, 'blobLength'], query: 'blobLengthQuery' };
    case 'vec null':
      return { update: [argsCanister, 'nullCount'], query: 'nullCountQuery' };
    case 'list':
      return { update: [argsCanister, 'listLength'], query: 'listLengthQuery' };
  }
}

const counter = (): { add(n: bigint): Promise<bigint> } =>
  Actor.createActor(({ IDL: I }) => I.Service({ add: I.Func([I.Nat], [I.Nat], []) }), {
    agent,
    canisterId: h.canisterId,
  });

/** The update's reject, as the agent reports it. */
async function updateReject(
  canisterId: Principal,
  methodName: string,
  arg: Uint8Array,
  effectiveCanisterId = canisterId,
): Promise<{ rejectCode: unknown; rejectMessage: unknown }> {
  const { requestId } = await agent.call(canisterId, {
    methodName,
    arg,
    effectiveCanisterId,
    callSync: false,
  });
  const err = await pollForResponse(agent, effectiveCanisterId, requestId).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  const code = (err as { cause?: { code?: { rejectCode?: unknown; rejectMessage?: unknown } } })
    .cause?.code;
  return { rejectCode: code?.rejectCode, rejectMessage: code?.rejectMessage };
}

describe('hostile Candid arguments over HTTP', () => {
  for (const hostile of hostileCandid()) {
    it(`rejects ${hostile.name} with code 5, and the replica keeps serving`, async () => {
      const {
        update: [canister, method],
        query,
      } = methodsFor(hostile.target);
      const update = await updateReject(canister, method, hostile.bytes);
      expect(update.rejectCode).toBe(5);
      expect(String(update.rejectMessage)).toMatch(
        new RegExp(`${method}: invalid Candid arguments: .*${hostile.error.source}`),
      );

      // The same argument to a query, as a raw request: rejected with the same code and message.
      const res = await postCbor(
        h.server,
        `/api/v3/canister/${argsCanister.toText()}/query`,
        envelope(anonymousContent('query', argsCanister, query, hostile.bytes)),
      );
      expect(res.status).toBe(200);
      const answer = decodeCbor(new Uint8Array(await res.arrayBuffer())) as Record<string, unknown>;
      expect(answer).toMatchObject({ status: 'rejected', reject_code: 5, error_code: 'IC0503' });
      expect(String(answer.reject_message)).toMatch(
        new RegExp(`${query}: invalid Candid arguments: .*${hostile.error.source}`),
      );

      const status = await fetch(`${h.server.url}/api/v2/status`);
      expect(status.status).toBe(200);
      const before = await counter().add(0n);
      expect(await counter().add(1n)).toBe(before + 1n);
    }, 60_000);
  }

  it('gets each hostile argument to the management canister refused as an invalid payload', async () => {
    const management = Principal.fromText('aaaaa-aa');
    for (const hostile of hostileCandid()) {
      const reject = await updateReject(management, 'canister_status', hostile.bytes, h.canisterId);
      expect(reject.rejectCode).toBe(4);
      expect(String(reject.rejectMessage)).toMatch(
        /^Error decoding candid for method canister_status: /,
      );
    }
    expect(await counter().add(0n)).toBeGreaterThanOrEqual(0n);
  }, 120_000);

  it('still accepts well-formed arguments of the same types', async () => {
    const List = IDL.Rec();
    List.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: List })));
    const actor = Actor.createActor<{
      textLength(t: string): Promise<bigint>;
      blobLength(b: Uint8Array): Promise<bigint>;
      nullCount(n: null[]): Promise<bigint>;
      listLength(l: unknown): Promise<bigint>;
    }>(
      ({ IDL: I }) =>
        I.Service({
          textLength: I.Func([I.Text], [I.Nat], []),
          blobLength: I.Func([I.Vec(I.Nat8)], [I.Nat], []),
          nullCount: I.Func([I.Vec(I.Null)], [I.Nat], []),
          listLength: I.Func([List], [I.Nat], []),
        }),
      { agent, canisterId: argsCanister },
    );
    expect(await actor.textLength('héllo ✓')).toBe(7n);
    expect(await actor.blobLength(new Uint8Array(1_000))).toBe(1_000n);
    expect(await actor.nullCount(new Array<null>(100).fill(null))).toBe(100n);
    const list = (n: number): unknown => (n === 0 ? [] : [{ head: BigInt(n), tail: list(n - 1) }]);
    expect(await actor.listLength(list(50))).toBe(50n);
  }, 60_000);
});
