/**
 * The bar of dispatch/reply: over random transaction trees (depth up to 6, random failures of
 * nodes and reply handlers, random `replyOn`, spread over three canisters, self-dispatch
 * included), the state every canister commits (its heap log, its stable map, its pending
 * replies) and the root's answer equal what a reference model of overlay frames predicts.
 * Seeded, so a failure replays.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import { identity, useTestReplica } from '@tincan/testing';
import type { Replica } from '@tincan/replica';
import type TxNode from '../fixtures/tx-node.js';
import type { ChildSpec, NodeSpec } from '../fixtures/tx-node.js';
import { submit } from '../scenarios/scenario-helpers.js';

const FIXTURE = 'test/fixtures/tx-node.ts';
const CANISTERS = 3;
const MAX_DEPTH = 6;
const REPLY_ON = ['never', 'success', 'error', 'always'] as const;
type ReplyOn = (typeof REPLY_ON)[number];

/** A generated tree before ids and principals are filled in. */
interface RawNode {
  readonly fail: boolean;
  readonly children: readonly RawChild[];
}
interface RawChild {
  readonly canister: number;
  readonly replyOn: ReplyOn;
  readonly replyFails: boolean;
  readonly node: RawNode;
}

const rare = fc.integer({ min: 0, max: 7 }).map((n) => n === 0);

function nodeArb(depth: number): fc.Arbitrary<RawNode> {
  const maxChildren = depth >= MAX_DEPTH ? 0 : depth < 2 ? 3 : 2;
  return fc.record({
    fail: rare,
    children:
      maxChildren === 0
        ? fc.constant([])
        : fc.array(childArb(depth + 1), { maxLength: maxChildren }),
  });
}

function childArb(depth: number): fc.Arbitrary<RawChild> {
  return fc.record({
    canister: fc.integer({ min: 0, max: CANISTERS - 1 }),
    replyOn: fc.constantFrom(...REPLY_ON),
    replyFails: rare,
    node: fc.constant(null).chain(() => nodeArb(depth)),
  });
}

/** What one canister has committed, as the model predicts it. */
interface CanisterModel {
  log: string[];
  stable: Map<string, string | undefined>;
  pending: number;
}

/** A tree with ids and the canister of every node, and the model's outcome of running it. */
interface Placed {
  readonly spec: NodeSpec;
  readonly canister: number;
}

/** Numbers the nodes from `firstId` and names each child's canister. */
function place(
  raw: RawNode,
  canister: number,
  ids: { next: number },
  principals: readonly Principal[],
): Placed {
  const id = ids.next++;
  const children: ChildSpec[] = raw.children.map((c) => ({
    canister: (principals[c.canister] as Principal).toText(),
    replyOn: c.replyOn,
    replyFails: c.replyFails,
    node: place(c.node, c.canister, ids, principals).spec,
  }));
  return { spec: { id, fail: raw.fail, children }, canister };
}

type Write =
  | {
      readonly canister: number;
      readonly entry: string;
      readonly key: string;
      readonly value: string | undefined;
    }
  | { readonly canister: number; readonly pending: number };

/**
 * The reference model of overlay frames: a node's writes, then each child's subtree (kept only
 * when it succeeded) and the reply it asked for; a failed child with never/success, a failed
 * reply handler or the node's own trap fail the node, and a failed node keeps nothing.
 */
function model(
  spec: NodeSpec,
  canister: number,
  index: ReadonlyMap<string, number>,
): { ok: boolean; writes: Write[] } {
  if (spec.fail === true) return { ok: false, writes: [] };
  const writes: Write[] = [{ canister, entry: `n${spec.id}`, key: `n${spec.id}`, value: 'true' }];
  for (const child of spec.children ?? []) {
    const target = index.get(child.canister) as number;
    const result = model(child.node, target, index);
    if (result.ok) writes.push(...result.writes);
    else if (child.replyOn === 'never' || child.replyOn === 'success')
      return { ok: false, writes: [] };
    const replies =
      child.replyOn === 'always' ||
      (result.ok ? child.replyOn === 'success' : child.replyOn === 'error');
    // The entry in pendingReplies stays unless a reply consumed it.
    if (!replies) writes.push({ canister, pending: 1 });
    else {
      if (child.replyFails === true) return { ok: false, writes: [] };
      writes.push({
        canister,
        entry: `r${child.node.id}:${result.ok ? 'ok' : 'err'}`,
        key: `r${child.node.id}`,
        value: result.ok ? `done ${child.node.id}` : undefined,
      });
    }
  }
  return { ok: true, writes };
}

async function committed(replica: Replica, id: Principal): Promise<CanisterModel> {
  const a = replica.actor<TxNode>(id);
  const stable = new Map<string, string | undefined>();
  for (const [k, v] of await a.stable_entries()) stable.set(k, v);
  return { log: await a.entries(), stable, pending: Number(await a.pending()) };
}

describe('overlay frames: committed state equals the reference model', () => {
  const t = useTestReplica({}, { scope: 'file' });
  let principals: Principal[];
  let index: Map<string, number>;
  beforeAll(async () => {
    principals = [];
    for (let i = 0; i < CANISTERS; i++) principals.push((await t.replica.deploy(FIXTURE)).id);
    index = new Map(principals.map((p, i) => [p.toText(), i]));
  }, 120_000);

  it('random trees of depth ≤ 6 with random failures and replyOn', async () => {
    const expected: CanisterModel[] = principals.map(() => ({
      log: [],
      stable: new Map(),
      pending: 0,
    }));
    const ids = { next: 1 };
    let reverted = 0;
    let committedRoots = 0;
    let maxDepth = 0;
    const depthOf = (s: NodeSpec): number =>
      1 + Math.max(-1, ...(s.children ?? []).map((c) => depthOf(c.node)));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: CANISTERS - 1 }),
        nodeArb(0),
        async (rootCanister, raw) => {
          const { spec } = place(raw, rootCanister, ids, principals);
          maxDepth = Math.max(maxDepth, depthOf(spec));
          const result = model(spec, rootCanister, index);
          const call = submit(
            t.replica,
            principals[rootCanister] as Principal,
            'run',
            [IDL.Text],
            [JSON.stringify(spec)],
            identity('alice'),
          );
          await t.replica.idle();
          expect(call.answers).toHaveLength(1);
          const [answer] = call.answers;
          if (result.ok) {
            committedRoots++;
            expect(
              answer !== undefined && 'reply' in answer
                ? IDL.decode([IDL.Text], answer.reply)[0]
                : answer,
            ).toBe(`done ${spec.id}`);
            for (const w of result.writes) {
              const m = expected[w.canister] as CanisterModel;
              if ('pending' in w) m.pending += w.pending;
              else {
                m.log.push(w.entry);
                m.stable.set(w.key, w.value);
              }
            }
          } else {
            reverted++;
            expect(answer !== undefined && 'reject' in answer ? answer.reject.code : answer).toBe(
              5,
            );
          }
          for (let i = 0; i < CANISTERS; i++) {
            const actual = await committed(t.replica, principals[i] as Principal);
            const want = expected[i] as CanisterModel;
            expect(actual.log).toEqual(want.log);
            expect(actual.pending).toBe(want.pending);
            expect([...actual.stable.keys()].sort()).toEqual([...want.stable.keys()].sort());
            for (const [k, v] of want.stable) {
              if (v !== undefined) expect(actual.stable.get(k)).toBe(v);
              else expect(actual.stable.get(k)).toMatch(/\S/); // an error text
            }
          }
        },
      ),
      { seed: 15_001, numRuns: 80, endOnFailure: true },
    );
    // The generator reached what the bar asks for: deep trees, and both outcomes.
    expect(maxDepth).toBe(MAX_DEPTH);
    expect(reverted).toBeGreaterThan(5);
    expect(committedRoots).toBeGreaterThan(5);
  }, 600_000);
});
