/**
 * Execution traces of dispatch/reply transactions, on the node fixture
 * (`test/fixtures/tx-node.ts`): every sub-message and reply handler is a trace entry in the
 * root's tree, linked to the execution that dispatched it, after it in order, with the outcome
 * its frame got (a frame that was discarded, or a transaction that reverted, shows its
 * executions as discarded). The dashboard's JSON API serves the same tree.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import { answerApi } from '@tincan/dashboard';
import type { TraceRecord } from '@tincan/replica';
import type { NodeSpec } from '../fixtures/tx-node.js';
import { child, useTxNodes } from './helpers.js';

const replicas = useTxNodes();
const { actor } = replicas;
const nodes = (count: number): Promise<Principal[]> => replicas.deploy(count, { traces: true });

/** The tree of the last `run` on `root`, in execution order. */
async function lastTree(root: Principal): Promise<TraceRecord[]> {
  const traces = replicas.t!.replica.traces!;
  const [summary] = await traces.trees({ canister: root.toText(), method: 'run' });
  expect(summary).toBeDefined();
  return traces.tree(summary!.tree);
}

/** Each entry as `[canister index, cause kind, outcome, parent's position in the tree]`. */
function shape(tree: readonly TraceRecord[], ids: readonly Principal[]): unknown[] {
  const position = new Map(tree.map((e, i) => [e.id, i]));
  return tree.map((e) => [
    ids.findIndex((id) => id.toText() === e.canister),
    e.cause.kind,
    e.outcome,
    e.parent === null ? null : position.get(e.parent),
  ]);
}

describe('dispatch/reply executions in the traces', () => {
  it('a kept transaction: every sub-message and reply handler is in the root tree, linked to its dispatcher', async () => {
    // Catches: sub-executions missing from the traces, in trees of their own, or unlinked.
    const ids = await nodes(3);
    const [a, b, c] = ids as [Principal, Principal, Principal];
    // A → B (always); B → C (error), C fails and B's reply handler takes it.
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'always', { id: 2, children: [child(c, 'error', { id: 3, fail: true })] }),
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    const tree = await lastTree(a);
    expect(shape(tree, ids)).toEqual([
      [0, 'ingress', 'committed', null], // A: the root
      [1, 'dispatch', 'committed', 0], // B: dispatched by A
      [2, 'dispatch', 'trapped', 1], // C: dispatched by B, trapped
      [1, 'reply', 'committed', 1], // B's reply handler for C
      [0, 'reply', 'committed', 0], // A's reply handler for B
    ]);
    const [root, subB, subC, replyB, replyA] = tree as [
      TraceRecord,
      TraceRecord,
      TraceRecord,
      TraceRecord,
      TraceRecord,
    ];
    expect(subB.cause).toMatchObject({ kind: 'dispatch', caller: a.toText() });
    expect(subC.cause).toMatchObject({ kind: 'dispatch', caller: b.toText() });
    expect(subB.caller).toBe(a.toText());
    expect(subB.origin).toBe(root.origin);
    expect(replyA.cause).toEqual({
      kind: 'reply',
      msgId: (subB.cause as { msgId: number }).msgId,
    });
    expect(replyB.cause).toEqual({
      kind: 'reply',
      msgId: (subC.cause as { msgId: number }).msgId,
    });
    expect(subC.trap).toMatch(/node 3 fails/);
    // One tree: its summary counts every execution and canister.
    const [summary] = await replicas.t!.replica.traces!.trees({
      canister: a.toText(),
      method: 'run',
    });
    expect([summary?.executions, summary?.canisters]).toEqual([5, 3]);

    // The dashboard's JSON API serves the same tree, with the links.
    const api = await answerApi(
      replicas.t!.replica,
      `trees/${summary!.tree}`,
      new URLSearchParams(),
    );
    expect(api.status).toBe(200);
    const served = api.body as TraceRecord[];
    expect(served.map((e) => [e.id, e.parent, e.cause.kind])).toEqual(
      tree.map((e) => [e.id, e.parent, e.cause.kind]),
    );
  });

  it("a discarded frame's executions are traced as discarded, even those that succeeded inside it", async () => {
    // Catches: traces claiming commits that the frame's discard undid.
    const ids = await nodes(3);
    const [a, b, c] = ids as [Principal, Principal, Principal];
    // A → B (error); B → C (always), and B's reply handler fails: B's frame, with C's writes, goes.
    const spec: NodeSpec = {
      id: 1,
      children: [child(b, 'error', { id: 2, children: [child(c, 'always', { id: 3 }, true)] })],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    expect(shape(await lastTree(a), ids)).toEqual([
      [0, 'ingress', 'committed', null],
      [1, 'dispatch', 'discarded', 0],
      [2, 'dispatch', 'discarded', 1],
      [1, 'reply', 'trapped', 1],
      [0, 'reply', 'committed', 0],
    ]);
  });

  it('a reverted transaction: the root is trapped and every execution under it discarded or trapped', async () => {
    // Catches: a reverted transaction's sub-executions shown as committed, or lost from the tree.
    const ids = await nodes(3);
    const [a, b, c] = ids as [Principal, Principal, Principal];
    const spec: NodeSpec = {
      id: 1,
      children: [
        child(b, 'never', { id: 2, children: [child(c, 'never', { id: 3, fail: true })] }),
      ],
    };
    await expect(actor(a).run(JSON.stringify(spec))).rejects.toThrow(/transaction reverted/);
    const tree = await lastTree(a);
    expect(shape(tree, ids)).toEqual([
      [0, 'ingress', 'trapped', null],
      [1, 'dispatch', 'discarded', 0],
      [2, 'dispatch', 'trapped', 1],
    ]);
    expect(tree[0]?.trap).toMatch(/transaction reverted/);
  });
});
