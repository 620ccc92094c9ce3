/**
 * Dispatch/reply on the node fixture (`test/fixtures/tx-node.ts`): failures three levels deep,
 * shared fuel, the depth limit, sender and origin, synchronous queries, and no interleaving of
 * outside messages with a transaction. Each case shows the committed state of every canister
 * involved (heap log, stable map, counters).
 */
import { describe, expect, it } from 'vitest';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { ZERO_FEES, seededPolicy } from '@tincan/testing';
import type { ExecutionInfo } from '@tincan/replica';
import type { NodeSpec } from '../fixtures/tx-node.js';
import { onlyReply, submit } from '../scenarios/scenario-helpers.js';
import { alice, child, rejectOf, useTxNodes } from './helpers.js';

const replicas = useTxNodes();
const { actor, deploy: nodes } = replicas;

/** The committed state of a node: heap log, stable map, counter, reply entries left pending. */
async function stateOf(
  id: Principal,
): Promise<{ log: string[]; stable: [string, string][]; count: bigint; pending: bigint }> {
  const a = actor(id);
  return {
    log: await a.entries(),
    stable: await a.stable_entries(),
    count: await a.count(),
    pending: await a.pending(),
  };
}

const EMPTY = { log: [], stable: [], count: 0n, pending: 0n };

describe('failures three levels deep: A → B → C', () => {
  it('never, never: C fails, so B fails, so the root fails: nothing of the transaction is left anywhere', async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'never', { id: 2, children: [child(c, 'never', { id: 3, fail: true })] }),
      ],
    };
    const err = await rejectOf(actor(a).run(JSON.stringify(spec)));
    expect(err.message).toMatch(
      /transaction reverted: sub-message \d+ \(run\) failed: sub-message \d+ \(run\) failed: .*node 3 fails/,
    );
    for (const id of [a, b, c]) expect(await stateOf(id)).toEqual(EMPTY);
  });

  it("error, never: B's frame (with C's) is discarded and A's reply handler sees the failure and commits", async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'error', { id: 2, children: [child(c, 'never', { id: 3, fail: true })] }),
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    const stateA = await stateOf(a);
    expect(stateA.log).toEqual(['n1', 'r2:err']);
    expect(stateA.stable.map(([k]) => k)).toEqual(['n1', 'r2']);
    expect(stateA.stable[1]?.[1]).toMatch(/sub-message \d+ \(run\) failed: .*node 3 fails/);
    expect([stateA.count, stateA.pending]).toEqual([0n, 0n]);
    expect(await stateOf(b)).toEqual(EMPTY);
    expect(await stateOf(c)).toEqual(EMPTY);
  });

  it("never, error: only C's frame is discarded; B handles it and everything else commits", async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'never', { id: 2, children: [child(c, 'error', { id: 3, fail: true })] }),
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    // A's entry for its never-replied child stays pending: nothing consumes it.
    expect(await stateOf(a)).toEqual({
      log: ['n1'],
      stable: [['n1', 'true']],
      count: 0n,
      pending: 1n,
    });
    const stateB = await stateOf(b);
    expect(stateB.log).toEqual(['n2', 'r3:err']);
    expect(stateB.stable[0]).toEqual(['n2', 'true']);
    expect(stateB.stable[1]?.[0]).toBe('r3');
    expect(stateB.stable[1]?.[1]).toMatch(/node 3 fails/);
    expect(await stateOf(c)).toEqual(EMPTY);
  });

  it("always, always: C succeeded and merged into B's frame, then B's reply fails: B's frame is discarded with C's writes in it", async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    const spec: NodeSpec = {
      id: 1,
      children: [child(b, 'always', { id: 2, children: [child(c, 'always', { id: 3 }, true)] })],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    const stateA = await stateOf(a);
    expect(stateA.log).toEqual(['n1', 'r2:err']);
    expect(stateA.stable[1]?.[1]).toMatch(/reply handler on_reply failed: .*reply to 3 fails/);
    expect(await stateOf(b)).toEqual(EMPTY);
    expect(await stateOf(c)).toEqual(EMPTY);
  });

  it("a canister touched twice, at the root and inside a discarded frame, keeps only the root's writes", async () => {
    const [a, b] = (await nodes(2)) as [Principal, Principal];
    // A → B → A (id 3, which writes on A) → fails below: A's own entry n1 stays, n3 goes.
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'error', {
          id: 2,
          children: [
            child(a, 'never', { id: 3, children: [child(b, 'never', { id: 4, fail: true })] }),
          ],
        }),
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    expect((await stateOf(a)).log).toEqual(['n1', 'r2:err']);
    expect((await stateOf(a)).stable.map(([k]) => k)).toEqual(['n1', 'r2']);
    expect(await stateOf(b)).toEqual(EMPTY);
  });
});

describe('sub-messages that cannot run', () => {
  it('a sub-message to a canister that does not exist fails like any other: error hands it to the reply, never reverts', async () => {
    const [a] = (await nodes(1)) as [Principal];
    const nowhere = { canister: 'rrkah-fqaaa-aaaaa-aaaaq-cai', node: { id: 2 } };
    expect(
      await actor(a).run(JSON.stringify({ id: 1, children: [{ ...nowhere, replyOn: 'error' }] })),
    ).toBe('done 1');
    const state = await stateOf(a);
    expect(state.log).toEqual(['n1', 'r2:err']);
    expect(state.stable[1]).toEqual(['r2', 'No route to canister rrkah-fqaaa-aaaaa-aaaaq-cai']);
    const err = await rejectOf(
      actor(a).run(
        JSON.stringify({ id: 3, children: [{ ...nowhere, node: { id: 4 }, replyOn: 'success' }] }),
      ),
    );
    expect(err.message).toMatch(
      /transaction reverted: sub-message \d+ \(run\) failed: No route to canister rrkah-fqaaa-aaaaa-aaaaq-cai/,
    );
    expect((await stateOf(a)).log).toEqual(['n1', 'r2:err']);
  });
});

describe("fuel: sub-messages share the root's instruction budget", () => {
  // About 116 units a spin: 50,000 spins are ~5.8M units, within a 10M budget once, not twice.
  const options = { instructionLimits: { update: 10_000_000 } };
  const spinning = (b: Principal, count: number): NodeSpec => ({
    id: 1,
    children: Array.from({ length: count }, (_, i) =>
      child(b, 'error', { id: 2 + i, spin: 50_000 }),
    ),
  });

  it('one spinning sub-message fits the budget and commits', async () => {
    const [a, b] = (await nodes(2, options)) as [Principal, Principal];
    expect(await actor(a).run(JSON.stringify(spinning(b, 1)))).toBe('done 1');
    expect((await stateOf(a)).log).toEqual(['n1']);
    expect((await stateOf(b)).log).toEqual(['n2']);
  });

  it('two exhaust it: the whole transaction fails, even though both were dispatched with replyOn error', async () => {
    const [a, b] = (await nodes(2, options)) as [Principal, Principal];
    const err = await rejectOf(actor(a).run(JSON.stringify(spinning(b, 2))));
    expect(err.message).toMatch(
      /transaction reverted: the transaction ran out of instructions \(its budget of 10000000 is shared by every sub-message\) in run of /,
    );
    expect(await stateOf(a)).toEqual(EMPTY);
    expect(await stateOf(b)).toEqual(EMPTY);
  });
});

describe('depth limit: MAX_SUBMSG_DEPTH = 256', () => {
  it('256 levels of sub-messages run and commit', async () => {
    const [a] = (await nodes(1)) as [Principal];
    expect(await actor(a).chain(256, 'never')).toBe(256);
    expect((await stateOf(a)).count).toBe(257n);
  });

  it('a 257th level is refused with a clear error: with never, the whole transaction reverts', async () => {
    const [a] = (await nodes(1)) as [Principal];
    const err = await rejectOf(actor(a).chain(257, 'never'));
    expect(err.message).toMatch(
      /a sub-message at depth 257 is deeper than MAX_SUBMSG_DEPTH \(256\)/,
    );
    expect(await stateOf(a)).toEqual(EMPTY);
  });

  it('with error, the dispatcher one level up gets the error in its reply and the rest commits', async () => {
    const [a] = (await nodes(1)) as [Principal];
    expect(await actor(a).chain(257, 'error')).toBe(257);
    const state = await stateOf(a);
    // Levels 0..255 committed; level 256 trapped as it dispatched level 257.
    expect(state.count).toBe(256n);
    expect(state.log).toHaveLength(1);
    expect(state.log[0]).toMatch(/^chain:.*deeper than MAX_SUBMSG_DEPTH \(256\)/);
  });
});

describe('cycles attached to sub-messages move inside their frames', () => {
  const balances = (ids: Principal[]): bigint[] =>
    ids.map((id) => replicas.t?.replica.runtime.cycleBalance(id.toUint8Array()) ?? -1n);

  it('a kept frame keeps the transfer; a discarded one gives it back, at every level', async () => {
    const [a, b, c] = (await nodes(3, { fees: ZERO_FEES })) as [Principal, Principal, Principal];
    const start = balances([a, b, c]);
    // A → B with 1,000 (kept); B → C with 300 (C fails, B handles it: the 300 stay with B).
    const spec: NodeSpec = {
      id: 1,
      children: [
        {
          ...child(b, 'never', {
            id: 2,
            children: [{ ...child(c, 'error', { id: 3, fail: true }), cycles: 300 }],
          }),
          cycles: 1_000,
        },
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    expect(balances([a, b, c])).toEqual([
      (start[0] as bigint) - 1_000n,
      (start[1] as bigint) + 1_000n,
      start[2],
    ]);
  });

  it('a reverted transaction moves no cycles at all', async () => {
    const [a, b, c] = (await nodes(3, { fees: ZERO_FEES })) as [Principal, Principal, Principal];
    const start = balances([a, b, c]);
    const spec: NodeSpec = {
      id: 1,
      children: [
        {
          ...child(b, 'never', {
            id: 2,
            children: [{ ...child(c, 'never', { id: 3, fail: true }), cycles: 300 }],
          }),
          cycles: 1_000,
        },
      ],
    };
    await rejectOf(actor(a).run(JSON.stringify(spec)));
    expect(balances([a, b, c])).toEqual(start);
  });
});

describe('sender and origin', () => {
  it('msgCaller() is the dispatching canister at each depth, msgOrigin() the user who signed the root', async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    await actor(a).whoami([b, c]);
    const me = alice.toText();
    expect(await actor(a).callers()).toEqual([`${me}|${me}`]);
    expect(await actor(b).callers()).toEqual([`${a.toText()}|${me}`]);
    expect(await actor(c).callers()).toEqual([`${b.toText()}|${me}`]);
  });
});

describe('queryContract: synchronous queries', () => {
  it("runs the target's query inline and returns its result; the query's writes are discarded", async () => {
    const [a, b] = (await nodes(2)) as [Principal, Principal];
    await actor(b).bump();
    await actor(b).bump();
    expect(await actor(a).read_other(b)).toBe(2n);
    expect(await stateOf(b)).toEqual({ ...EMPTY, count: 2n });
    expect((await stateOf(a)).count).toBe(1n);
  });

  it('a canister cannot query itself inline: the execution traps and nothing commits', async () => {
    const [a] = (await nodes(1)) as [Principal];
    const err = await rejectOf(actor(a).read_other(a));
    expect(err.message).toMatch(/is executing and cannot be queried from inside its own execution/);
    expect(await stateOf(a)).toEqual(EMPTY);
  });
});

describe('no re-entrancy: a transaction runs to its end before anything else', () => {
  it('messages for canisters with open frames are queued, not rejected, and run after the transaction; under any schedule', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const executions: ExecutionInfo[] = [];
      const [a, b, c] = (await nodes(3, { onExecution: (info) => executions.push(info) })) as [
        Principal,
        Principal,
        Principal,
      ];
      const t = replicas.t;
      if (t === undefined) throw new Error('no replica');
      t.replica.runtime.setScheduler(seededPolicy(seed));
      executions.length = 0;
      const spec: NodeSpec = {
        id: 1,
        children: [
          child(b, 'always', { id: 2, children: [child(c, 'always', { id: 3 })] }),
          child(c, 'error', { id: 4 }),
        ],
      };
      const bumps = [b, c, a, b, c].map((id) => submit(t.replica, id, 'bump', [], [], alice));
      const root = submit(t.replica, a, 'run', [IDL.Text], [JSON.stringify(spec)], alice);
      await t.replica.idle();
      expect(onlyReply<string>(root, IDL.Text, 'run')).toBe('done 1');
      bumps.forEach((bump, i) =>
        expect(onlyReply<bigint>(bump, IDL.Nat, `bump ${i}`)).toBeGreaterThan(0n),
      );
      // The transaction's executions (root, sub-messages, replies) are one unbroken run.
      const names = executions.map((e) => e.method);
      const first = names.indexOf('run');
      expect(names.slice(first, first + 6), `seed ${seed}: ${names.join(',')}`).toEqual([
        'run',
        'run',
        'run',
        'on_reply',
        'on_reply',
        'run',
      ]);
      expect(names.filter((n) => n === 'bump')).toHaveLength(5);
      expect([
        (await stateOf(a)).count,
        (await stateOf(b)).count,
        (await stateOf(c)).count,
      ]).toEqual([1n, 2n, 2n]);
      expect((await stateOf(b)).log).toEqual(['n2', 'r3:ok']);
      expect((await stateOf(c)).log).toEqual(['n3', 'n4']);
      await t.dispose();
    }
  });

  it('with first-come scheduling, a message sent after the transaction started waits for its end', async () => {
    const executions: ExecutionInfo[] = [];
    const [a, b] = (await nodes(2, { onExecution: (info) => executions.push(info) })) as [
      Principal,
      Principal,
    ];
    const t = replicas.t;
    if (t === undefined) throw new Error('no replica');
    executions.length = 0;
    const root = submit(
      t.replica,
      a,
      'run',
      [IDL.Text],
      [JSON.stringify({ id: 1, children: [child(b, 'always', { id: 2 })] })],
      alice,
    );
    const bump = submit(t.replica, b, 'bump', [], [], alice);
    await t.replica.idle();
    expect(onlyReply<string>(root, IDL.Text, 'run')).toBe('done 1');
    expect(onlyReply<bigint>(bump, IDL.Nat, 'bump')).toBe(1n);
    expect(executions.map((e) => `${e.method}:${e.outcome}`)).toEqual([
      'run:committed',
      'run:committed',
      'on_reply:committed',
      'bump:committed',
    ]);
  });

  it('an inter-canister call cannot be made inside a sub-message (nothing could answer it inside the transaction)', async () => {
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    expect(await actor(a).call_via(b, c)).toBe(null);
    const stateA = await stateOf(a);
    expect(stateA.log).toHaveLength(1);
    expect(stateA.log[0]).toMatch(
      /^chain:.*inter-canister calls cannot be made in a dispatched sub-message or reply handler: use dispatch\(\)/,
    );
    expect((await stateOf(b)).count).toBe(0n);
    expect((await stateOf(c)).count).toBe(0n);
  });
});
