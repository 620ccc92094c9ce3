/**
 * CosmWasm's reply `data` on the node fixture (`test/fixtures/tx-node.ts`): a reply handler of
 * a sub-message the root dispatched replaces the root's answer with `setReplyData` (Candid of
 * the root method's return type, here `text`); the last one wins; anywhere else it traps, and
 * a transaction that reverts answers with its reject whatever was set.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import { CallRejectedError } from '@tincan/testing';
import type { NodeSpec } from '../fixtures/tx-node.js';
import { childWith as child, useTxNodes } from './helpers.js';

const { actor, deploy: nodes } = useTxNodes();

const run = (root: Principal, spec: NodeSpec): Promise<string> =>
  actor(root).run(JSON.stringify(spec));

describe('setReplyData: a reply handler replaces the root answer', () => {
  it("the root's reply handler sets the answer the caller gets; the last one set wins", async () => {
    // Catches: reply data ignored, or the first value kept instead of the last.
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    expect(
      await run(a, { id: 1, children: [child(b, 'success', { id: 2 }, { replyData: 'from r2' })] }),
    ).toBe('from r2');
    expect(
      await run(a, {
        id: 3,
        children: [
          child(b, 'always', { id: 4 }, { replyData: 'first' }),
          child(c, 'always', { id: 5 }, { replyData: 'second' }),
        ],
      }),
    ).toBe('second');
    // Without it, the root answers what its method returned.
    expect(await run(a, { id: 6, children: [child(b, 'always', { id: 7 })] })).toBe('done 6');
    expect(await actor(a).entries()).toEqual([
      'n1',
      'r2:ok',
      'n3',
      'r4:ok',
      'r5:ok',
      'n6',
      'r7:ok',
    ]);
  });

  it('a reply handler deeper down cannot set it: it traps, and replyOn handles that like any failure', async () => {
    // Catches: a nested reply handler (or a sub-message) replacing the root's answer.
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    // B's reply handler for C tries: B's frame fails, A's handler (error) sees it.
    const nested: NodeSpec = {
      id: 1,
      children: [
        child(b, 'error', { id: 2, children: [child(c, 'always', { id: 3 }, { replyData: 'x' })] }),
      ],
    };
    expect(await run(a, nested)).toBe('done 1');
    const [, [, seen]] = (await actor(a).stable_entries()) as [unknown, [string, string]];
    expect(seen).toMatch(
      /setReplyData is only allowed in a reply handler of a sub-message the root execution dispatched/,
    );
    expect(await actor(b).entries()).toEqual([]);
    // A sub-message itself cannot either.
    expect(
      await run(a, { id: 4, children: [child(b, 'error', { id: 5, setsReplyData: true })] }),
    ).toBe('done 4');
    expect(await actor(a).entries()).toEqual(['n1', 'r2:err', 'n4', 'r5:err']);
    // Nor the root itself (it is no reply handler): it traps.
    const err = await actor(a)
      .run(JSON.stringify({ id: 6, setsReplyData: true }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallRejectedError);
    expect((err as Error).message).toMatch(/setReplyData is only allowed/);
  });

  it('bytes that are not Candid trap the handler; a reverted transaction answers its reject whatever was set', async () => {
    // Catches: unchecked bytes reaching the caller, or reply data surviving a revert.
    const [a, b, c] = (await nodes(3)) as [Principal, Principal, Principal];
    const raw = await actor(a)
      .run(
        JSON.stringify({ id: 1, children: [child(b, 'always', { id: 2 }, { replyData: '!raw' })] }),
      )
      .catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(CallRejectedError);
    expect((raw as Error).message).toMatch(
      /transaction reverted: reply handler on_reply failed: .*not Candid/,
    );

    const reverted = await actor(a)
      .run(
        JSON.stringify({
          id: 3,
          children: [
            child(b, 'always', { id: 4 }, { replyData: 'set, then reverted' }),
            child(c, 'never', { id: 5, fail: true }),
          ],
        }),
      )
      .catch((e: unknown) => e);
    expect(reverted).toBeInstanceOf(CallRejectedError);
    expect((reverted as Error).message).toMatch(
      /transaction reverted: sub-message \d+ \(run\) failed: .*node 5 fails/,
    );
    for (const id of [a, b, c]) expect(await actor(id).entries()).toEqual([]);
  });
});
