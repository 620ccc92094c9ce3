import { describe, expect, it } from 'vitest';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import type CompositeQuery from '../fixtures/composite-query.js';
import { rejectOf, useFixtureReplicas } from '../transactions/helpers.js';

// ICP's composite queries: a @query({ composite: true }) method calls other canisters' queries
// in one call graph run outside consensus, whose state changes never survive.
const FIXTURE = 'test/fixtures/composite-query.ts';
const TOOLCHAIN_HELP =
  'If you are running this canister in a test environment (e.g., dfx), make sure the test environment is up to date. Otherwise, this is likely an error with the compiler/CDK toolchain being used to build the canister. Please report the error to IC devs on the forum: https://forum.dfinity.org and include which language/CDK was used to create the canister.';

const replicas = useFixtureReplicas<CompositeQuery>(FIXTURE);
const { actor, deploy } = replicas;

describe('composite queries', () => {
  it("call other canisters' queries; the callbacks see the query's own changes; nothing survives", async () => {
    const [a, b, c] = (await deploy(3)) as [Principal, Principal, Principal];
    await actor(a).set(1n);
    await actor(b).set(20n);
    await actor(c).set(300n);
    // a's count is 1 + 100 in the query, and so is its stable entry: 20 + 300 + 101 + 101.
    expect(await actor(a).sum([b, c])).toBe(522n);
    // Nothing the graph did survives, in the composite query's canister or its callees.
    expect(await actor(a).get()).toBe(1n);
    expect(await actor(a).sum([])).toBe(202n);
    expect(await actor(b).bumpTwice(c)).toEqual([301n, 301n]);
    expect(await actor(c).get()).toBe(300n);
    expect(await actor(c).bump()).toBe(301n);
    expect(await actor(c).get()).toBe(300n);
  });

  it("hands a callee's trap and reject to the callback, as between canisters", async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    expect(await actor(a).relay(b, 'refuse')).toEqual({ Err: '4: no' });
    expect(await actor(a).relay(b, 'boom')).toEqual({
      Err: `5: IC0503: Error from Canister ${b.toText()}: Canister called \`ic0.trap\` with message: 'boom'.\nConsider gracefully handling failures from this canister or altering the canister to handle exceptions. See documentation: https://docs.internetcomputer.org/references/execution-errors#trapped-explicitly`,
    });
    // The callee sees the composite query's canister as its caller.
    expect(await actor(a).relay(b, 'callerLength')).toEqual({ Ok: BigInt(a.toText().length) });
  });

  it('calls only queries: an update method is not found (IC0536)', async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    const result = await actor(a).relay(b, 'updateCallsComposite');
    expect(result).toEqual({
      Err: `5: IC0536: Error from Canister ${b.toText()}: Canister has no query method 'updateCallsComposite'..\nCheck that the method being called is exported by the target canister. See documentation: https://docs.internetcomputer.org/references/execution-errors#method-not-found`,
    });
  });

  it("a plain query that calls traps with ICP's contract violation (IC0504), catch or not", async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    const err = await rejectOf(actor(a).plainCall(b));
    expect([err.rejectCode, err.errorCode]).toEqual([5, 'IC0504']);
    expect(err.rejectMessage).toBe(
      `Error from Canister ${a.toText()}: Canister violated contract: "ic0_call_new" cannot be executed in non replicated query mode.\n${TOOLCHAIN_HELP}`,
    );
    // Called from a composite query, the plain query runs in non-replicated mode too.
    const viaGraph = await actor(b).relay(a, 'get');
    expect(viaGraph).toEqual({ Ok: 0n });
  });

  it('attaching cycles in a composite query is a contract violation', async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    const err = await rejectOf(actor(a).withCycles(b));
    expect([err.rejectCode, err.errorCode]).toEqual([5, 'IC0504']);
    expect(err.rejectMessage).toContain(
      '"ic0_call_cycles_add128" cannot be executed in composite query mode',
    );
  });

  it('a composite query called as an update, or by an update, is rejected with IC0527', async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    expect(await actor(a).updateCallsComposite(b)).toBe(
      '5: IC0527: Composite query cannot be called in replicated mode',
    );
    const outcome = await replicas.t!.replica.update(
      b,
      'sum',
      new Uint8Array(IDL.encode([IDL.Vec(IDL.Principal)], [[]])),
    );
    expect(outcome).toEqual({
      reject: {
        code: 5,
        errorCode: 'IC0527',
        message: 'Composite query cannot be called in replicated mode',
      },
    });
  });

  it("ends the whole query with IC0525 past ICP's depth of 6 nested calls", async () => {
    const ids = await deploy(8);
    const [first, ...rest] = ids as [Principal, ...Principal[]];
    // 6 hops: the last canister of the path answers without calling.
    expect(await actor(first).chain(rest.slice(0, 6))).toBe(6n);
    const err = await rejectOf(actor(first).chain(rest.slice(0, 7)));
    expect([err.rejectCode, err.errorCode, err.rejectMessage]).toEqual([
      5,
      'IC0525',
      'Composite query calls exceeded the maximum call depth.',
    ]);
  });

  it('ends the whole query with IC0526 once its graph spent the instruction budget', async () => {
    // ICP charges 50M instructions per call on top of the executions, from a 5B budget.
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    expect(await actor(a).fanOut(b, 50n)).toBe(0n);
    const err = await rejectOf(actor(a).fanOut(b, 120n));
    expect([err.rejectCode, err.errorCode, err.rejectMessage]).toEqual([
      5,
      'IC0526',
      'Composite query calls exceeded the instruction limit.',
    ]);
    // The limit is a replica setting.
    await replicas.t!.dispose();
    const [c, d] = (await deploy(2, { callLimits: { queryCallGraphInstructions: 200e6 } })) as [
      Principal,
      Principal,
    ];
    expect((await rejectOf(actor(c).fanOut(d, 5n))).errorCode).toBe('IC0526');
    expect(await actor(c).fanOut(d, 2n)).toBe(0n);
  });

  it('a call back into a canister waiting in the graph is rejected as a loop (IC0517)', async () => {
    const [a, b] = (await deploy(2)) as [Principal, Principal];
    expect(await actor(a).loop(b)).toEqual({
      Err: '5: IC0517: Loop detected.  MVP inter-canister queries do not support loops.',
    });
  });

  it("a call to a missing canister is rejected: IC0301 in the subnet's range, no route outside it", async () => {
    const [a] = (await deploy(1)) as [Principal];
    const gone = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    expect(await actor(a).callMissing(Principal.fromText('2vxsx-fae'))).toBe(
      '3: No route to canister 2vxsx-fae',
    );
    const inRange = Principal.fromUint8Array(
      new Uint8Array([0x80, 0, 0, 0, 0, 0x10, 0x0f, 0xff, 1, 1]),
    );
    expect(await actor(a).callMissing(inRange)).toBe(`3: Canister ${inRange.toText()} not found`);
    expect(await actor(a).relay(gone, 'get')).toEqual({
      Err: `3: No route to canister ${gone.toText()}`,
    });
  });
});
