/**
 * ICP semantics: cleanup. When the code after an `await` traps, its changes roll back and the
 * call's cleanup runs against the state from before that callback; cleanup's changes persist,
 * and cleanup can neither call nor reply. The CDK's `guard(release)` is how canister code
 * hooks into it: a per-caller lock taken before the `await` is released even when the code
 * after the `await` traps.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_FEES, useTestReplicas, identity, type TestReplica } from '@tincan/testing';
import type { CanisterHandle, Replica } from '@tincan/replica';
import { rejectedCall as rejected } from './helpers.js';
import type Ledger from '../../canisters/ledger/src/index.js';
import type LedgerNotify from '../../canisters/ledger-notify/src/index.js';
import type Guarded from '../fixtures/guarded.js';

/** What `test/fixtures/guarded.ts`'s `state` reports (its JSON, parsed). */
interface GuardedState {
  locks: string[];
  counter: string;
  releases: string[];
}

const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe("the ledger's per-caller lock, released by a guard", () => {
  it('is released and the debit refunded when the code after the await traps', async () => {
    // Catches: cleanup not run (the lock would stay and alice's 30 tokens stay in flight),
    // or the trapped callback's credit surviving.
    t = await replicas.create();
    const { replica } = t;
    const [minter, alice, bob] = [identity('minter'), identity('alice'), identity('bob')];
    const ledger = await replica.deploy('canisters/ledger/src/index.ts', { initArgs: [[minter]] });
    const notify = await replica.deploy('canisters/ledger-notify/src/index.ts', { initArgs: [[]] });
    await replica.actor<Ledger>(ledger, { identity: minter }).mint(alice, 100n);
    await replica.actor<Ledger>(ledger, { identity: minter }).freeze(bob);
    const asAlice = replica.actor<Ledger>(ledger, { identity: alice });

    const err = await rejected(asAlice.transfer_via_hook(bob, 30n, notify.id));
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toContain('is frozen');
    expect(await replica.actor<LedgerNotify>(notify).notifications()).toBe(1n); // the notification did happen
    expect(await asAlice.locked()).toEqual([]);
    expect(await asAlice.balance_of(alice)).toBe(100n);
    expect(await asAlice.balance_of(bob)).toBe(0n);
    // Alice is not stuck: her next transfer goes through.
    expect(await asAlice.transfer(identity('carol'), 10n)).toHaveProperty('Ok');
  });
});

describe('cleanup rules', () => {
  async function setUp(): Promise<{ replica: Replica; g: CanisterHandle; callee: CanisterHandle }> {
    t = await replicas.create({ fees: ZERO_FEES });
    return {
      replica: t.replica,
      g: await t.replica.deploy('test/fixtures/guarded.ts'),
      callee: await t.replica.deploy('test/fixtures/channels.ts'),
    };
  }
  const stateOf = async (replica: Replica, g: CanisterHandle): Promise<GuardedState> =>
    JSON.parse(await replica.actor<Guarded>(g).state()) as GuardedState;

  it('runs against the state from before the trapped callback, and its changes persist', async () => {
    // Catches: cleanup seeing the trapped callback's changes (counter 1), or its own changes lost.
    const { replica, g, callee } = await setUp();
    expect(
      (await rejected(replica.actor<Guarded>(g).hold('k', callee.id, 'trap', 'plain'))).rejectCode,
    ).toBe(5);
    expect(await stateOf(replica, g)).toEqual({ locks: [], counter: '0', releases: ['plain:0'] });
    const reopened = await t!.restart();
    expect(await stateOf(reopened, g)).toEqual({ locks: [], counter: '0', releases: ['plain:0'] });
  });

  it('does not run when the callback commits: the method releases once, itself', async () => {
    // Catches: a release run twice (by the method and by a cleanup).
    const { replica, g, callee } = await setUp();
    expect(await replica.actor<Guarded>(g).hold('k', callee.id, 'ok', 'plain')).toBe('done');
    expect(await stateOf(replica, g)).toEqual({ locks: [], counter: '1', releases: ['plain:1'] });
  });

  it('cannot make calls', async () => {
    // Catches: a call sent from cleanup.
    const { replica, g, callee } = await setUp();
    await rejected(replica.actor<Guarded>(g).hold('k', callee.id, 'trap', 'call'));
    const state = await stateOf(replica, g);
    expect(state.locks).toEqual([]);
    expect(state.releases).toEqual(['call:0', 'call refused: calls are not allowed in cleanup']);
  });

  it('cannot reply; a cleanup that traps rolls back too', async () => {
    // Catches: a reply from cleanup, or a trapped cleanup's changes kept.
    const { replica, g, callee } = await setUp();
    await rejected(replica.actor<Guarded>(g).hold('k', callee.id, 'trap', 'reply'));
    expect(await stateOf(replica, g)).toEqual({ locks: ['k'], counter: '0', releases: [] });
    expect(
      replica
        .logs(g.id)
        .some(
          (l) =>
            l.message.includes('[trap] in cleanup') &&
            l.message.includes('msgReply is not allowed in cleanup'),
        ),
    ).toBe(true);
    expect(await replica.actor<Guarded>(g).hold('k', callee.id, 'ok', 'plain')).toBe('busy');
  });

  it('leaves nothing of a guard taken by an execution that trapped before any await', async () => {
    // Catches: a guard from a rolled-back execution later releasing something.
    const { replica, g, callee } = await setUp();
    await rejected(replica.actor<Guarded>(g).holdThenTrap('k'));
    expect(await stateOf(replica, g)).toEqual({ locks: [], counter: '0', releases: [] });
    expect(await replica.actor<Guarded>(g).hold('k', callee.id, 'ok', 'plain')).toBe('done');
  });
});
