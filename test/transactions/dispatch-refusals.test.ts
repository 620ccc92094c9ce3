/**
 * Sub-messages that ICP would refuse, on the node fixture (`test/fixtures/tx-node.ts`): a
 * target that is frozen, stopped or has no such method, and cycles the sender cannot attach
 * without dropping below its own freezing threshold. Each fails with ICP's reject (code and
 * text from `Rejects`), which `replyOn` then handles like any failure: the reply handler sees
 * it (and its code through `msgRejectCode()`), or the transaction reverts.
 */
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dfinity/principal';
import { Rejects } from '@tincan/abi';
import { ZERO_FEES, type TestReplica } from '@tincan/testing';
import { ICP_13_NODE_FEES } from '@tincan/replica';
import type { ChildSpec } from '../fixtures/tx-node.js';
import { TX_NODE as FIXTURE, childWith, rejectOf, useTxNodes } from './helpers.js';

// No charges, but ICP's storage fee, so every canister has a freezing threshold (30 days of
// idle burn by default) and a small balance is frozen.
const FEES = { ...ZERO_FEES, storagePerGiBSecond: ICP_13_NODE_FEES.storagePerGiBSecond };

const replicas = useTxNodes();
const { actor } = replicas;

const start = (): Promise<TestReplica> => replicas.start({ fees: FEES });

const balance = (id: Principal): bigint =>
  replicas.t?.replica.runtime.cycleBalance(id.toUint8Array()) ?? -1n;

/** A root node 1 with one child node 2 on `target`. */
const rootWith = (
  target: Principal,
  replyOn: ChildSpec['replyOn'],
  extra: Partial<ChildSpec> = {},
) => JSON.stringify({ id: 1, children: [childWith(target, replyOn, { id: 2 }, extra)] });

describe('a target ICP would refuse a call to', () => {
  it('a frozen target: the sub-message fails with IC0207 (SYS_TRANSIENT); error hands it to the reply, never reverts', async () => {
    // Catches: a sub-message running on a canister below its freezing threshold.
    const { replica } = await start();
    const a = (await replica.deploy(FIXTURE)).id;
    const frozen = (await replica.deploy(FIXTURE, { cycles: 1_000n })).id;
    expect(await actor(a).run(rootWith(frozen, 'error', { cycles: 500 }))).toBe('done 1');
    expect(await actor(a).entries()).toEqual(['n1', 'r2:err']);
    const [, [, text]] = (await actor(a).stable_entries()) as [unknown, [string, string]];
    const threshold = BigInt(/threshold (\d+)$/.exec(text)?.[1] ?? '0');
    expect(threshold).toBeGreaterThan(1_000n);
    expect(text).toBe(Rejects.outOfCycles(frozen.toText(), 1_000n, threshold).message);
    expect(await actor(a).reject_codes()).toEqual(['2:2']);
    // The frozen canister ran nothing and kept its balance; the 500 attached went nowhere.
    expect(balance(frozen)).toBe(1_000n);

    const before = balance(a);
    const err = await rejectOf(actor(a).run(rootWith(frozen, 'never')));
    expect(err.message).toMatch(
      /transaction reverted: sub-message \d+ \(run\) failed: Canister \S+ is out of cycles: its balance 1000 is below its freezing threshold/,
    );
    expect(await actor(a).entries()).toEqual(['n1', 'r2:err']);
    expect(balance(a)).toBe(before);
    replica.depositCycles(frozen, 10_000_000_000_000n); // to read it: a frozen canister answers no query
    expect(await actor(frozen).entries()).toEqual([]);
  });

  it('a stopped target and a missing method: ICP rejects (IC0508, IC0536) reach the reply handler with their codes', async () => {
    // Catches: a sub-message running on a stopped canister, or a method that does not exist.
    const { replica } = await start();
    const a = (await replica.deploy(FIXTURE)).id;
    const b = (await replica.deploy(FIXTURE)).id;
    expect(await actor(a).run(rootWith(b, 'error', { method: 'no_such_method' }))).toBe('done 1');
    expect(await actor(b).entries()).toEqual([]);
    expect(replica.runtime.stopCanister(b.toUint8Array())).toBe('stopped');
    expect(await actor(a).run(rootWith(b, 'always', { node: { id: 3 } }))).toBe('done 1');
    const texts = (await actor(a).stable_entries()).map(([, v]) => v);
    expect(texts).toContain(Rejects.methodNotFound(b.toText(), 'update', 'no_such_method').message);
    expect(texts).toContain(Rejects.canisterStopped(b.toText()).message);
    expect(await actor(a).reject_codes()).toEqual([
      `2:${Rejects.methodNotFound('x', 'update', 'y').code}`,
      `3:${Rejects.canisterStopped('x').code}`,
    ]);
  });
});

describe("attached cycles need the sender's balance above its freezing threshold", () => {
  it('attaching more than the sender can spend above its threshold fails the sub-message (IC0207); within it, the transfer commits', async () => {
    // Catches: a check against the balance alone, which would let the transfer freeze the sender.
    const { replica } = await start();
    const a = (await replica.deploy(FIXTURE)).id;
    const b = (await replica.deploy(FIXTURE)).id;
    const [a0, b0] = [balance(a), balance(b)];
    // The whole balance: enough by the balance alone, too much once the threshold is kept.
    expect(await actor(a).run(rootWith(b, 'error', { cycles: String(a0) }))).toBe('done 1');
    const [, [, text]] = (await actor(a).stable_entries()) as [unknown, [string, string]];
    expect(text).toMatch(
      new RegExp(
        `^Canister ${a.toText()} is out of cycles: it cannot attach ${a0} cycles, it can spend \\d+ above its freezing threshold$`,
      ),
    );
    expect(await actor(a).reject_codes()).toEqual(['2:2']);
    expect([balance(a), balance(b)]).toEqual([a0, b0]);
    expect(await actor(b).entries()).toEqual([]);

    // With never, the same failure reverts the whole transaction.
    const err = await rejectOf(actor(a).run(rootWith(b, 'never', { cycles: String(a0) })));
    expect(err.message).toMatch(/transaction reverted: .* it cannot attach \d+ cycles/);
    expect([balance(a), balance(b)]).toEqual([a0, b0]);

    // What the sender can spend above its threshold moves.
    expect(await actor(a).run(rootWith(b, 'never', { cycles: 1_000_000 }))).toBe('done 1');
    expect([balance(a), balance(b)]).toEqual([a0 - 1_000_000n, b0 + 1_000_000n]);
  });

  it('the check sees the frames still open: a second attachment that the first left uncovered fails', async () => {
    // Catches: a check against the balance from before the transaction.
    const { replica } = await start();
    const a = (await replica.deploy(FIXTURE)).id;
    const b = (await replica.deploy(FIXTURE)).id;
    const c = (await replica.deploy(FIXTURE)).id;
    const a0 = balance(a);
    // Half the balance each: the first fits above the threshold, the second does not.
    const half = a0 / 2n;
    const spec = {
      id: 1,
      children: [
        { canister: b.toText(), replyOn: 'error', node: { id: 2 }, cycles: String(half) },
        { canister: c.toText(), replyOn: 'error', node: { id: 3 }, cycles: String(half) },
      ],
    };
    expect(await actor(a).run(JSON.stringify(spec))).toBe('done 1');
    expect(await actor(a).entries()).toEqual(['n1', 'r3:err']);
    expect(await actor(a).reject_codes()).toEqual(['3:2']);
    expect(balance(a)).toBe(a0 - half);
    expect(await actor(b).entries()).toEqual(['n2']);
    expect(await actor(c).entries()).toEqual([]);
  });
});
