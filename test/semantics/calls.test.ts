/**
 * ICP semantics and call plumbing: joins over several calls, per-pair request ordering
 * (also under seeded schedules), and who the callee sees as its caller.
 */
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTestReplica, identity, seededPolicy } from '@tincan/testing';
import { fifoPolicy, type CanisterHandle } from '@tincan/replica';
import { replyValue, stepOnce, submit } from './helpers.js';
import type Callee from '../fixtures/semantics-callee.js';
import type Caller from '../fixtures/semantics-caller.js';

const t = useTestReplica();
let a: CanisterHandle;
let b: CanisterHandle;

beforeEach(async () => {
  b = await t.replica.deploy('test/fixtures/semantics-callee.ts');
  a = await t.replica.deploy('test/fixtures/semantics-caller.ts');
});

const continuations = async (): Promise<bigint> =>
  (await t.replica.actor<Caller>(a).state()).continuations;

describe('Promise.all over calls to different canisters', () => {
  it('resolves with both replies and runs the continuation once', async () => {
    // Catches: a join that loses one reply or resumes the continuation per reply.
    const c = await t.replica.deploy('test/fixtures/semantics-callee.ts');
    expect(await t.replica.actor<Caller>(a).gather(b.id, c.id)).toBe(11n);
    expect(await continuations()).toBe(1n);
    expect(await t.replica.actor<Callee>(b).get()).toBe(1n);
    expect(await t.replica.actor<Callee>(c).get()).toBe(10n);
  });

  it('the continuation waits for the last reply (stepped)', async () => {
    // Catches: resuming after the first response, or committing a half-joined continuation twice.
    const c = await t.replica.deploy('test/fixtures/semantics-callee.ts');
    const { replica } = t;
    const g = submit(replica, a.id, 'gather', [IDL.Principal, IDL.Principal], [b.id, c.id]);
    stepOnce(replica); // A sends both calls
    expect(replica.runtime.pendingCount).toBe(2);
    stepOnce(replica); // B.add
    stepOnce(replica); // C.add
    stepOnce(replica); // B's response runs on A: Promise.all still waits for C
    expect(await continuations()).toBe(0n);
    expect(g.outcome).toBeUndefined();
    expect(replica.runtime.openContexts(a.id.toUint8Array())).toBe(1);
    stepOnce(replica); // C's response: the continuation runs
    expect(replica.runtime.pendingCount).toBe(0);
    expect(replyValue(g.outcome, IDL.Nat)).toBe(11n);
    expect(await continuations()).toBe(1n);
    expect(replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });
});

describe('requests from A to B start in send order', () => {
  const N = 8n;
  const expected = (source: string): string[] =>
    Array.from({ length: Number(N) }, (_, i) => `${source}:${i}`);

  it('in FIFO order', async () => {
    // Catches: requests of one execution sent in reverse or hashed order.
    await t.replica.actor<Caller>(a).fanOut(b.id, 'a', N);
    expect(await t.replica.actor<Callee>(b).getLog()).toEqual(expected('a'));
  });

  it('under 20 seeded schedules, with two senders interleaving', async () => {
    // Catches: a scheduler that may pick any queued request of a pair, not only the oldest.
    const a2 = await t.replica.deploy('test/fixtures/semantics-caller.ts');
    const callee = t.replica.actor<Callee>(b);
    const orders = new Set<string>();
    let offset = 0;
    for (let seed = 1; seed <= 20; seed++) {
      t.replica.runtime.setScheduler(seededPolicy(seed));
      const tag = (s: string): string => `${s}${seed}`;
      await Promise.all([
        t.replica.actor<Caller>(a).fanOut(b.id, tag('a'), N),
        t.replica.actor<Caller>(a2).fanOut(b.id, tag('b'), N),
        callee.add(1n),
      ]);
      const log = (await callee.getLog()).slice(offset);
      offset += log.length;
      expect(
        log.filter((l) => l.startsWith(`${tag('a')}:`)),
        `seed ${seed}`,
      ).toEqual(expected(tag('a')));
      expect(
        log.filter((l) => l.startsWith(`${tag('b')}:`)),
        `seed ${seed}`,
      ).toEqual(expected(tag('b')));
      orders.add(log.map((l) => l[0]).join(''));
    }
    t.replica.runtime.setScheduler(fifoPolicy);
    // The seeds really explored different interleavings of the two senders.
    expect(orders.size).toBeGreaterThan(1);
  });
});

describe('msgCaller', () => {
  it('is the ingress identity, or anonymous 2vxsx-fae', async () => {
    // Catches: the caller lost (always anonymous) or taken from the wrong message.
    const alice = identity('alice');
    expect(await t.replica.actor<Callee>(b, { identity: alice }).whoami()).toBe(alice.toText());
    expect(await t.replica.actor<Callee>(b, { identity: alice }).whoamiQuery()).toBe(
      alice.toText(),
    );
    expect(await t.replica.actor<Callee>(b).whoami()).toBe('2vxsx-fae');
    expect(await t.replica.actor<Callee>(b).whoamiQuery()).toBe(Principal.anonymous().toText());
  });

  it('is the calling canister for canister-to-canister calls', async () => {
    // Catches: forwarding the original user (origin) as the caller of an inter-canister call.
    const alice = identity('alice');
    expect(await t.replica.actor<Caller>(a, { identity: alice }).relayWhoami(b.id)).toBe(
      a.id.toText(),
    );
  });

  it('stays the original caller in the code after an await', async () => {
    // Catches: a callback execution reporting the callee (the responder) as its caller.
    const alice = identity('alice');
    expect(await t.replica.actor<Caller>(a, { identity: alice }).callerAroundAwait(b.id)).toEqual([
      alice.toText(),
      a.id.toText(),
      alice.toText(),
    ]);
  });
});
