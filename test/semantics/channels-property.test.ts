/**
 * Property tests of the call channels under random seeded schedules and random fault
 * injection: load shedding of bounded-wait messages, callee traps, caller traps after the
 * `await`, timeouts. Whatever happens:
 * - every call is answered exactly once;
 * - cycles are conserved on guaranteed-response calls (accepted + refunded = attached), and
 *   bounded-wait calls lose exactly the cycles of those that end in SYS_UNKNOWN;
 * - nothing a trapped execution did survives;
 * - requests from one canister to another start in the order they were sent;
 * - a bounded-wait call is never answered later than its deadline, and never hangs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { IDL } from '@dfinity/candid';
import type { Principal } from '@dfinity/principal';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_EPOCH_NS, ZERO_FEES, createTestReplica, seededPolicy } from '@tincan/testing';
import type { Outcome } from '@tincan/replica';
import { channelState, type Channels } from './helpers.js';

const FIXTURE = 'test/fixtures/channels.ts';
const Options = IDL.Record({
  cycles: IDL.Nat,
  timeout: IDL.Opt(IDL.Nat32),
  oneway: IDL.Bool,
  trapAfter: IDL.Bool,
});
const SECOND_NS = 1_000_000_000n;

let dir: string;
let checkpoint: string;
let ids: Principal[];

beforeAll(async () => {
  // Deploy once, fork for every run: a fork costs milliseconds.
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-channels-'));
  checkpoint = path.join(dir, 'three.sqlite');
  const t = await createTestReplica({ fees: ZERO_FEES });
  const handles = [
    await t.replica.deploy(FIXTURE),
    await t.replica.deploy(FIXTURE),
    await t.replica.deploy(FIXTURE),
  ];
  ids = handles.map((h) => h.id);
  // Each canister's `slow` calls the next one.
  for (let i = 0; i < 3; i++)
    await t.replica.actor<Channels>(handles[i]!).setNext(ids[(i + 1) % 3]!);
  await t.replica.actor<Channels>(handles[1]!).setAcceptPercent(35n);
  await t.replica.actor<Channels>(handles[2]!).setAcceptPercent(0n);
  await t.replica.checkpoint(checkpoint);
  await t.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Relay {
  readonly kind: 'relay';
  readonly from: number;
  readonly to: number;
  readonly method: string;
  readonly cycles: bigint;
  readonly timeout: number | undefined;
  readonly trapAfter: boolean;
}
interface Sequence {
  readonly kind: 'sequence';
  readonly from: number;
  readonly to: number;
  readonly n: number;
  readonly timeout: number | undefined;
}
type Op = Relay | Sequence;

const timeoutArb = fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined });
const relayArb: fc.Arbitrary<Relay> = fc
  .record({
    from: fc.integer({ min: 0, max: 2 }),
    to: fc.integer({ min: 0, max: 2 }),
    guaranteedMethod: fc.constantFrom('accept', 'greedy', 'acceptThenTrap', 'deadline', 'slow'),
    boundedMethod: fc.constantFrom('deadline', 'slow'),
    cycles: fc.bigInt({ min: 0n, max: 1_000n }),
    timeout: timeoutArb,
    trapAfter: fc.boolean(),
  })
  // Bounded-wait calls go to methods that accept nothing, so their cycles come back exactly
  // when a response arrives, and are lost exactly when the caller gets SYS_UNKNOWN.
  .map(({ guaranteedMethod, boundedMethod, ...r }) => ({
    kind: 'relay' as const,
    ...r,
    method: r.timeout === undefined ? guaranteedMethod : boundedMethod,
  }));
const sequenceArb: fc.Arbitrary<Sequence> = fc.record({
  kind: fc.constant('sequence' as const),
  from: fc.integer({ min: 0, max: 2 }),
  to: fc.integer({ min: 0, max: 2 }),
  n: fc.integer({ min: 1, max: 6 }),
  timeout: timeoutArb,
});

interface Tracked {
  readonly op: Op;
  readonly answers: Array<{ outcome: Outcome; atNs: bigint }>;
}

describe('call channels under random schedules and faults', () => {
  it('answer once, conserve cycles, keep nothing of traps, keep pair order, and respect deadlines', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 0x7fffffff }),
        fc.constantFrom(0, 0, 0.3, 0.7),
        fc.array(
          fc.oneof({ weight: 3, arbitrary: relayArb }, { weight: 1, arbitrary: sequenceArb }),
          { minLength: 1, maxLength: 10 },
        ),
        async (seed, dropProbability, ops) => {
          const t = await createTestReplica({
            fromCheckpoint: checkpoint,
            fees: ZERO_FEES,
            scheduler: seededPolicy(seed),
            loadShedding: { dropProbability, seed },
          });
          try {
            const { replica } = t;
            const clock = t.clock!;
            const balances = (): bigint[] => ids.map((id) => replica.cycleBalance(id));
            const initial = balances();
            const tracked: Tracked[] = ops.map((op) => {
              const entry: Tracked = { op, answers: [] };
              const arg =
                op.kind === 'relay'
                  ? IDL.encode(
                      [IDL.Principal, IDL.Text, Options],
                      [
                        ids[op.to],
                        op.method,
                        {
                          cycles: op.cycles,
                          timeout: op.timeout === undefined ? [] : [op.timeout],
                          oneway: false,
                          trapAfter: op.trapAfter,
                        },
                      ],
                    )
                  : IDL.encode(
                      [IDL.Principal, IDL.Nat32, IDL.Opt(IDL.Nat32)],
                      [ids[op.to], op.n, op.timeout === undefined ? [] : [op.timeout]],
                    );
              replica.runtime.submit(
                {
                  canisterId: ids[op.from]!.toUint8Array(),
                  method: op.kind,
                  arg: new Uint8Array(arg),
                  caller: new Uint8Array([4]),
                },
                (outcome) => entry.answers.push({ outcome, atNs: clock.nowNs() }),
              );
              return entry;
            });
            // Run, then let time pass one second at a time, well beyond every deadline.
            replica.runtime.runUntilIdle();
            for (let s = 0; s < 12; s++) {
              clock.advanceMs(1_000);
              replica.runtime.runUntilIdle();
            }

            // Every call answered exactly once; a bounded-wait relay no later than its deadline.
            let lost = 0n;
            let acceptedSeen = 0n;
            for (const { op, answers } of tracked) {
              expect(
                answers,
                `answers to ${JSON.stringify(op, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
              ).toHaveLength(1);
              const [{ outcome, atNs }] = answers as [{ outcome: Outcome; atNs: bigint }];
              if (op.timeout !== undefined)
                expect(atNs).toBeLessThanOrEqual(TEST_EPOCH_NS + BigInt(op.timeout) * SECOND_NS);
              if (op.kind !== 'relay') continue;
              if ('reject' in outcome) {
                // Only the caller's own trap after the await rejects the ingress call.
                expect(op.trapAfter).toBe(true);
                expect(outcome.reject.code).toBe(5);
                continue;
              }
              const seen = JSON.parse(IDL.decode([IDL.Text], outcome.reply)[0] as string) as {
                code?: number;
                reply?: string;
                refunded: string;
              };
              if (seen.code === 6) {
                expect(op.timeout, 'SYS_UNKNOWN on a guaranteed-response call').toBeDefined();
                expect(seen.refunded).toBe('0');
                lost += op.cycles;
                continue;
              }
              expect(op.trapAfter && seen.code === undefined, 'a trapped callback replied').toBe(
                false,
              );
              const refunded = BigInt(seen.refunded);
              if ((op.method === 'accept' || op.method === 'greedy') && seen.reply !== undefined) {
                const [available, accepted] = seen.reply.split('|').map((x) => BigInt(x)) as [
                  bigint,
                  bigint,
                ];
                expect(available).toBe(op.cycles);
                expect(accepted + refunded).toBe(op.cycles);
                acceptedSeen += accepted;
              } else {
                expect(refunded).toBe(op.cycles);
              }
            }
            // Cycles: only SYS_UNKNOWN loses any, and exactly what was attached to those calls.
            const total = (xs: bigint[]): bigint => xs.reduce((a, b) => a + b, 0n);
            expect(total(balances())).toBe(total(initial) - lost);

            const states = await Promise.all(ids.map((id) => channelState(replica, id)));
            // Nothing a trapped execution accepted survives, nor any trapped relay's callback
            // (a trapped caller still got its refund, counted in the balances above).
            const trappedCallbacks = tracked.filter(
              (e) =>
                e.op.kind === 'relay' &&
                e.answers[0] !== undefined &&
                'reject' in e.answers[0].outcome,
            );
            const receivedTotal = total(states.map((s) => BigInt(s.received)));
            expect(receivedTotal).toBeGreaterThanOrEqual(acceptedSeen);
            if (trappedCallbacks.length === 0) expect(receivedTotal).toBe(acceptedSeen);
            // Pair order: the records each callee got from one caller are in send order.
            for (const s of states) {
              const last = new Map<string, number>();
              for (const entry of s.records) {
                const [caller, i] = entry.split(':') as [string, string];
                expect(Number(i)).toBeGreaterThan(last.get(caller) ?? -1);
                last.set(caller, Number(i));
              }
            }
          } finally {
            await t.dispose();
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});
