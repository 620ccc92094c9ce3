/**
 * ICP semantics: limits of the call path, as replica settings with ICP's defaults: 500
 * queued requests per sender→callee pair (beyond: SYS_TRANSIENT, IC0201), 2 MiB ingress
 * arguments, 10 MiB call arguments (one subnet), 2 MiB replies, and a call depth of 256 so a
 * recursive call chain ends.
 */
import { describe, expect, it } from 'vitest';
import {
  CallRejectedError,
  ZERO_FEES,
  useTestReplicas,
  type TestReplica,
  type TestReplicaOptions,
} from '@tincan/testing';
import { DEFAULT_CALL_LIMITS, type CanisterHandle, type Replica } from '@tincan/replica';
import type Channels from '../fixtures/channels.js';
import { rejectedCall as rejected } from './helpers.js';

const FIXTURE = 'test/fixtures/channels.ts';
const MIB = 1024 * 1024;

const replicas = useTestReplicas();
let t: TestReplica | undefined;

async function pair(
  options: TestReplicaOptions = {},
): Promise<{ replica: Replica; a: CanisterHandle; b: CanisterHandle }> {
  t = await replicas.create({ fees: ZERO_FEES, ...options });
  return {
    replica: t.replica,
    a: await t.replica.deploy(FIXTURE),
    b: await t.replica.deploy(FIXTURE),
  };
}

describe('defaults', () => {
  it("are ICP's", () => {
    expect(DEFAULT_CALL_LIMITS).toEqual({
      queueCapacity: 500,
      maxIngressPayloadBytes: 2 * MIB,
      maxCallPayloadBytes: 10 * MIB,
      maxReplyBytes: 2 * MIB,
      maxCallDepth: 256,
      maxTimeoutSeconds: 300,
      maxQueryCallDepth: 6,
      queryCallGraphInstructions: 5e9,
      queryCallOverheadInstructions: 50e6,
    });
  });
});

describe('queue capacity', () => {
  it('queues 500 requests from one caller to one callee; the 501st fails at once with CallPerformFailed', async () => {
    // Catches: unbounded queues, or a full queue reported later as a reject instead of
    // call_perform failing (Azle's CallPerformFailed) in the calling execution.
    const { replica, a, b } = await pair();
    expect(JSON.parse(await replica.actor<Channels>(a).flood(b.id, 501)) as unknown).toEqual({
      ok: 500,
      'perform failed': 1,
    });
  });

  it('is a replica setting, and counts per pair: another caller still gets in', async () => {
    // Catches: a global queue instead of one per pair, or a capacity that ignores the setting.
    const { replica, a, b } = await pair({ callLimits: { queueCapacity: 3 } });
    const c = await replica.deploy(FIXTURE);
    const [fromA, fromC] = await Promise.all([
      replica.actor<Channels>(a).flood(b.id, 5),
      replica.actor<Channels>(c).flood(b.id, 3),
    ]);
    expect(JSON.parse(fromA) as unknown).toEqual({ ok: 3, 'perform failed': 2 });
    expect(JSON.parse(fromC) as unknown).toEqual({ ok: 3 });
  });

  it('fails a one-way call to a full queue at once with CallPerformFailed', async () => {
    // Catches: one-way calls dropped silently when the queue is full.
    const { replica, a, b } = await pair({ callLimits: { queueCapacity: 2 } });
    expect(await replica.actor<Channels>(a).floodOneway(b.id, 3)).toBe(
      'sent,sent,CallPerformFailed',
    );
  });

  it('answers ingress beyond the capacity with SYS_TRANSIENT (IC0201)', async () => {
    const { replica, b } = await pair({ callLimits: { queueCapacity: 2 } });
    const calls = [0, 1, 2].map(() =>
      replica
        .actor<Channels>(b)
        .deadline()
        .then(
          () => 'ok',
          (e: CallRejectedError) => `${e.rejectCode} ${e.errorCode}`,
        ),
    );
    expect(await Promise.all(calls)).toEqual(['ok', 'ok', '2 IC0201']);
  });
});

describe('payload limits', () => {
  it('refuses an ingress argument over 2 MiB with a clear error, and keeps serving', async () => {
    // Catches: oversized ingress accepted, or crashing the replica.
    const { replica, b } = await pair();
    const err = await replica.update(b.id, 'deadline', new Uint8Array(2 * MIB + 1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect(await replica.actor<Channels>(b).deadline()).toBe('0');
  });

  it('traps a reply over 2 MiB (CANISTER_ERROR), and allows one just under', async () => {
    // Catches: replies of any size delivered.
    const { replica, b } = await pair();
    const err = await rejected(replica.actor<Channels>(b).bigReply(2 * MIB + 1));
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toMatch(/reply of \d+ bytes exceeds the limit of 2097152 bytes/);
    expect((await replica.actor<Channels>(b).bigReply(2 * MIB - 100)).length).toBe(2 * MIB - 100);
  });

  it('allows a same-subnet call argument up to 10 MiB and traps the caller beyond', async () => {
    // Catches: the cross-subnet 2 MiB limit applied inside one subnet, or no limit at all.
    const { replica, a, b } = await pair();
    expect(await replica.actor<Channels>(a).bigCall(b.id, 3 * MIB)).toMatch(
      /^sent 3145728, the callee answered .*invalid Candid/,
    );
    const err = await rejected(replica.actor<Channels>(a).bigCall(b.id, 10 * MIB + 1));
    expect(err.rejectCode).toBe(5);
    expect(err.rejectMessage).toMatch(
      /call payload of 10485761 bytes exceeds the limit of 10485760 bytes/,
    );
  });

  it('are replica settings', async () => {
    const { replica, b } = await pair({
      callLimits: { maxReplyBytes: 100, maxIngressPayloadBytes: 50 },
    });
    expect((await rejected(replica.actor<Channels>(b).bigReply(101))).rejectCode).toBe(5);
    const err = await replica.update(b.id, 'deadline', new Uint8Array(51)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });
});

describe('call depth', () => {
  it('ends a recursive call chain at depth 256 by default', async () => {
    // Catches: nested calls recursing forever.
    const { replica, a } = await pair();
    expect(await replica.actor<Channels>(a).recurse(0)).toBe(256);
    expect(replica.runtime.openContexts(a.id.toUint8Array())).toBe(0);
  });

  it('is a replica setting, and the refused call is a CANISTER_ERROR the caller can catch', async () => {
    const { replica, a } = await pair({ callLimits: { maxCallDepth: 5 } });
    expect(await replica.actor<Channels>(a).recurse(0)).toBe(5);
  });
});
