import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type { Principal } from '@dfinity/principal';
import { answerApi } from '@tincan/dashboard';
import type { ActorOf } from '@tincan/replica';
import type CompositeQuery from '../fixtures/composite-query.js';

const COMPOSITE = 'test/fixtures/composite-query.ts';

interface Shop {
  buy(
    bank: Principal,
    order: { item: string; amount: bigint; note: [] | [string] },
  ): Promise<{ ok: bigint } | { err: string }>;
  summary(): Promise<{ orders: string[]; settled: bigint }>;
}
interface Bank {
  deposit(amount: bigint): Promise<bigint>;
  remind(): Promise<bigint>;
}

describe('execution traces', () => {
  const replicas = useTestReplicas();
  let t: TestReplica | undefined;

  async function twoCanisters(
    limit?: number,
  ): Promise<{ t: TestReplica; shop: Principal; bank: Principal }> {
    t = await replicas.create({ traces: limit === undefined ? true : { limit } });
    const bank = (await t.replica.deploy('test/fixtures/trace-bank.ts')).id;
    const shop = (await t.replica.deploy('test/fixtures/trace-shop.ts')).id;
    return { t, shop, bank };
  }

  it('links an ingress message, the call it makes and its callback into one tree', async () => {
    const { t, shop, bank } = await twoCanisters();
    const traces = t.replica.traces!;
    const before = await traces.count();
    await expect(
      t.replica.actor<Shop>(shop).buy(bank, { item: 'tea', amount: 5n, note: [] }),
    ).resolves.toEqual({ ok: 5n });
    const [summary] = await traces.trees({ canister: shop.toText(), method: 'buy' });
    expect(summary?.executions).toBe(3);
    expect(summary?.canisters).toBe(2);
    const tree = await traces.tree(summary!.tree);
    expect(tree.map((e) => [e.canister, e.kind, e.method, e.outcome])).toEqual([
      [shop.toText(), 'update', 'buy', 'committed'],
      [bank.toText(), 'update', 'deposit', 'committed'],
      [shop.toText(), 'response', 'buy', 'committed'],
    ]);
    const [buy, deposit, callback] = tree;
    expect(buy!.parent).toBeNull();
    expect(buy!.cause.kind).toBe('ingress');
    expect(buy!.calls).toEqual([
      {
        callId: expect.any(Number) as unknown,
        callee: bank.toText(),
        method: 'deposit',
        cycles: '0',
        oneway: false,
      },
    ]);
    expect(buy!.heapBytes).toBeGreaterThan(0);
    expect(buy!.instructions).toBeGreaterThan(0);
    expect(deposit!.parent).toBe(buy!.id);
    expect(deposit!.caller).toBe(shop.toText());
    expect(deposit!.cause).toEqual({
      kind: 'call',
      caller: shop.toText(),
      callId: buy!.calls[0]!.callId,
    });
    expect(deposit!.stableWrites).toBe(1);
    expect(deposit!.answer).toHaveProperty('reply');
    expect(callback!.parent).toBe(buy!.id);
    expect(callback!.arg).toBe((deposit!.answer as { reply: string }).reply);
    expect(callback!.answer).toHaveProperty('reply');
    expect(await traces.count()).toBe(before + 3);
  });

  it('shows a trap after an await: the first half committed, the callback rolled back', async () => {
    const { t, shop, bank } = await twoCanisters();
    const traces = t.replica.traces!;
    await expect(
      t.replica.actor<Shop>(shop).buy(bank, { item: 'car', amount: 500n, note: ['big'] }),
    ).rejects.toThrow(/over budget: 500/);
    const [trapped] = await traces.list({ outcome: 'trapped' });
    expect(trapped).toMatchObject({
      canister: shop.toText(),
      kind: 'response',
      trap: 'over budget: 500',
      heapBytes: 0,
    });
    const tree = await traces.tree(trapped!.tree);
    expect(tree.map((e) => [e.kind, e.outcome])).toEqual([
      ['update', 'committed'],
      ['update', 'committed'],
      ['response', 'trapped'],
      // The CDK's cleanup runs after the trapped callback, and commits alone.
      ['cleanup', 'committed'],
    ]);
    expect(tree[3]!.parent).toBe(tree[0]!.id);
    // What committed before the await stands; the callback's change is gone.
    expect(await t.replica.actor<Shop>(shop).summary()).toEqual({ orders: ['car'], settled: 0n });
  });

  it('filters by canister, method, caller and outcome, and pages backwards', async () => {
    const { t, shop, bank } = await twoCanisters();
    const traces = t.replica.traces!;
    for (const amount of [1n, 2n, 300n])
      await t.replica
        .actor<Shop>(shop)
        .buy(bank, { item: 'x', amount, note: [] })
        .catch(() => undefined);
    const deposits = await traces.list({ canister: bank.toText(), method: 'deposit' });
    expect(deposits).toHaveLength(3);
    expect(deposits.every((e) => e.caller === shop.toText())).toBe(true);
    expect(deposits[0]!.id).toBeGreaterThan(deposits[1]!.id);
    expect(await traces.list({ caller: shop.toText(), method: 'deposit' })).toHaveLength(3);
    expect(
      (await traces.list({ canister: bank.toText(), limit: 1, beforeId: deposits[0]!.id }))[0]?.id,
    ).toBe(deposits[1]!.id);
    expect(await traces.list({ outcome: 'trapped' })).toHaveLength(1);
    expect(await traces.trees({ canister: bank.toText() })).toHaveLength(3);
    expect((await traces.trees({ outcome: 'trapped' })).map((s) => s.trapped)).toEqual([1]);
    expect(await traces.list({ canister: 'not a principal' })).toEqual([]);
    const latest = BigInt(deposits[0]!.timeNs);
    expect(
      (await traces.list({ canister: bank.toText(), fromNs: latest })).map((e) => e.id),
    ).toContain(deposits[0]!.id);
  });

  it('reports timers set and runs a timer as a tree of its own', async () => {
    const { t, bank } = await twoCanisters();
    const traces = t.replica.traces!;
    await t.replica.actor<Bank>(bank).remind();
    expect((await traces.list({ method: 'remind' }))[0]?.timersSet).toBe(1);
    await t.replica.advanceTime(61_000);
    const [timer] = await traces.list({ canister: bank.toText() });
    expect(timer).toMatchObject({
      kind: 'timer',
      outcome: 'committed',
      parent: null,
      cause: { kind: 'timer' },
    });
  });

  it('keeps only the last N executions, and continues numbering after a restart', async () => {
    const { t, bank } = await twoCanisters(4);
    for (let i = 0; i < 6; i++) await t.replica.actor<Bank>(bank).deposit(1n);
    const kept = await t.replica.traces!.list();
    expect(kept).toHaveLength(4);
    const last = kept[0]!.id;
    const replica = await t.restart();
    await replica.actor<Bank>(bank).deposit(1n);
    expect((await replica.traces!.list({ limit: 1 }))[0]?.id).toBe(last + 1);
    expect(await replica.traces!.count()).toBe(4);
  });

  it('traces a composite query and its nested query calls as one read-only tree', async () => {
    t = await replicas.create({ traces: true });
    const [a, b, c] = [
      (await t.replica.deploy(COMPOSITE)).id,
      (await t.replica.deploy(COMPOSITE)).id,
      (await t.replica.deploy(COMPOSITE)).id,
    ];
    const traces = t.replica.traces!;
    const composite = (id: Principal): ActorOf<CompositeQuery> =>
      t!.replica.actor<CompositeQuery>(id);
    await composite(c).set(7n);
    expect(await composite(a).chain([b, c])).toBe(2n);
    const [summary] = await traces.trees({ canister: a.toText(), method: 'chain' });
    expect(summary).toMatchObject({ executions: 5, canisters: 3, trapped: 0 });
    const tree = await traces.tree(summary!.tree);
    // Depth first, in time order: each callee runs to its answer before its caller's callback.
    expect(tree.map((e) => [e.canister, e.kind, e.method, e.outcome])).toEqual([
      [a.toText(), 'compositeQuery', 'chain', 'discarded'],
      [b.toText(), 'compositeQuery', 'chain', 'discarded'],
      [c.toText(), 'compositeQuery', 'chain', 'discarded'],
      [b.toText(), 'compositeCallback', 'chain', 'discarded'],
      [a.toText(), 'compositeCallback', 'chain', 'discarded'],
    ]);
    const [aQuery, bQuery, cQuery, bCallback, aCallback] = tree;
    expect(aQuery).toMatchObject({
      parent: null,
      cause: { kind: 'ingress' },
      calls: [{ callee: b.toText(), method: 'chain', cycles: '0' }],
    });
    expect(bQuery).toMatchObject({
      parent: aQuery!.id,
      caller: a.toText(),
      cause: { kind: 'call', caller: a.toText(), callId: aQuery!.calls[0]!.callId },
    });
    expect(cQuery).toMatchObject({
      parent: bQuery!.id,
      caller: b.toText(),
      calls: [],
      answer: { reply: expect.any(String) as unknown },
    });
    expect(bCallback).toMatchObject({
      parent: bQuery!.id,
      cause: { kind: 'response', callId: bQuery!.calls[0]!.callId },
      arg: (cQuery!.answer as { reply: string }).reply,
    });
    expect(aCallback).toMatchObject({
      parent: aQuery!.id,
      arg: (bCallback!.answer as { reply: string }).reply,
    });
    // Read-only: nothing committed, no fee, no heap written.
    expect(
      tree.every(
        (e) =>
          e.cyclesCharged === '0' &&
          e.heapBytes === 0 &&
          e.tree === summary!.tree &&
          e.instructions > 0,
      ),
    ).toBe(true);
    expect(await composite(c).get()).toBe(7n);
    // The dashboard decodes a callback's argument with the callee's result types.
    const api = await answerApi(t.replica, `trees/${summary!.tree}`, new URLSearchParams());
    const decoded = api.body as Array<{ argText: string; replyText: string | null }>;
    expect(decoded.map((e) => e.replyText)).toEqual(
      ['', '', '(0 : nat)', '(1 : nat)', '(2 : nat)'].map((r) => (r === '' ? null : r)),
    );
    expect(decoded[3]!.argText).toBe('(0 : nat)');

    // A nested query that traps is traced as trapped; its caller's callback gets the reject.
    await composite(a).relay(b, 'boom');
    const [relay] = await traces.trees({ canister: a.toText(), method: 'relay' });
    const relayed = await traces.tree(relay!.tree);
    expect(relayed.map((e) => [e.canister, e.method, e.outcome])).toEqual([
      [a.toText(), 'relay', 'discarded'],
      [b.toText(), 'boom', 'trapped'],
      [a.toText(), 'relay', 'discarded'],
    ]);
    expect(relayed[2]!.rejected).toMatchObject({ code: 5 });
    // A plain query stays a tree of its own.
    await composite(b).get();
    expect((await traces.list({ limit: 1 }))[0]).toMatchObject({
      canister: b.toText(),
      kind: 'query',
      method: 'get',
      outcome: 'discarded',
      parent: null,
    });
  });

  it('is off unless asked for', async () => {
    t = await replicas.create();
    expect(t.replica.traces).toBeUndefined();
  });
});
