/**
 * Canister code runs isolated and deterministically: no host globals, no code generation from
 * strings, module globals per canister, replica time for Date, seeded Math.random.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CallRejectedError,
  TEST_EPOCH_NS,
  useTestReplica,
  useTestReplicas,
  type TestReplica,
} from '@tincan/testing';
import type { CanisterHandle } from '@tincan/replica';
import type SemanticsSandbox from '../fixtures/semantics-sandbox.js';

const t = useTestReplica();
let c: CanisterHandle;
const others = useTestReplicas();

beforeEach(async () => {
  c = await t.replica.deploy('test/fixtures/semantics-sandbox.ts');
});

async function replicaWithSeed(
  fill: number,
): Promise<[TestReplica, CanisterHandle, CanisterHandle]> {
  const r = await others.create({ seed: new Uint8Array(32).fill(fill) });
  const c1 = await r.replica.deploy('test/fixtures/semantics-sandbox.ts');
  const c2 = await r.replica.deploy('test/fixtures/semantics-sandbox.ts');
  return [r, c1, c2];
}

const refused = (name: string): string =>
  `Azle: experimental mode must be enabled to use global ${name}. You can enable experimental mode in your dfx.json file like this:`;

describe('isolation', () => {
  it("has no process, require or fetch (typeof in canister source); fetch throws Azle's refusal", async () => {
    // Catches: host globals leaking into the canister realm, or the bundler making `require` look defined.
    expect(await t.replica.actor<SemanticsSandbox>(c).hostGlobals()).toEqual([
      'undefined',
      'undefined',
      `throws: ${refused('fetch')}`,
    ]);
  });

  it('the realm global has no host objects, and require cannot load a module', async () => {
    // Catches: process/require/fetch/timers/Buffer reachable through globalThis.
    const probe = await t.replica.actor<SemanticsSandbox>(c).realGlobals();
    // fetch, setTimeout and Buffer throw Azle's stable-mode error, as they do on Azle.
    expect(probe.slice(0, 5)).toEqual([
      'undefined',
      'undefined',
      `throws: ${refused('fetch')}`,
      `throws: ${refused('setTimeout')}`,
      `throws: ${refused('Buffer')}`,
    ]);
    expect(probe[5]).toMatch(/^failed: /);
  });

  it('cannot generate code from strings', async () => {
    // Catches: a sandbox created without codeGeneration.strings=false.
    const [fnCtor, indirectEval] = await t.replica.actor<SemanticsSandbox>(c).codeGeneration();
    expect(fnCtor).toMatch(/^blocked/);
    expect(indirectEval).toMatch(/^blocked/);
  });

  it('module-level globals are per canister', async () => {
    // Catches: canisters of the same module sharing one realm or module instance.
    const c2 = await t.replica.deploy('test/fixtures/semantics-sandbox.ts');
    const one = t.replica.actor<SemanticsSandbox>(c);
    expect(await one.bumpModule()).toBe(1);
    expect(await one.bumpModule()).toBe(2);
    expect(await one.bumpModule()).toBe(3);
    expect(await one.readModule()).toBe(3);
    expect(await t.replica.actor<SemanticsSandbox>(c2).readModule()).toBe(0);
  });
});

describe('determinism', () => {
  it('Date.now() and new Date() follow the replica clock', async () => {
    // Catches: canister code reading the host's wall clock.
    const ms = TEST_EPOCH_NS / 1_000_000n;
    const clocks = async (): Promise<bigint[]> =>
      Array.from(await t.replica.actor<SemanticsSandbox>(c).clocks());
    expect(await clocks()).toEqual([ms, ms, ms]);
    t.clock?.advanceMs(5_000);
    expect(await clocks()).toEqual([ms + 5_000n, ms + 5_000n, ms + 5_000n]);
    t.clock?.advanceMs(86_400_000);
    expect(await clocks()).toEqual(Array(3).fill(ms + 5_000n + 86_400_000n));
  });

  it('Math.random is the same for replicas with the same seed and differs between canisters', async () => {
    // Catches: Math.random from host entropy, or one stream shared by all canisters.
    const [r1, a1, b1] = await replicaWithSeed(7);
    const [r2, a2, b2] = await replicaWithSeed(7);
    const [r3, a3] = await replicaWithSeed(8);
    const seqA1 = await r1.replica.actor<SemanticsSandbox>(a1).randoms(5);
    const seqB1 = await r1.replica.actor<SemanticsSandbox>(b1).randoms(5);
    expect(seqA1).toHaveLength(5);
    expect(new Set(seqA1).size).toBe(5);
    expect(seqA1.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(await r2.replica.actor<SemanticsSandbox>(a2).randoms(5)).toEqual(seqA1);
    expect(await r2.replica.actor<SemanticsSandbox>(b2).randoms(5)).toEqual(seqB1);
    expect(seqB1).not.toEqual(seqA1);
    expect(await r3.replica.actor<SemanticsSandbox>(a3).randoms(5)).not.toEqual(seqA1);
    // The stream continues (it is not reset per call) and continues identically.
    const next = await r1.replica.actor<SemanticsSandbox>(a1).randoms(3);
    expect(next).not.toEqual(seqA1.slice(0, 3));
    expect(await r2.replica.actor<SemanticsSandbox>(a2).randoms(3)).toEqual(next);
  });

  it('the Math.random stream survives a restart where it left off', async () => {
    // Catches: the PRNG state reseeded on load, replaying numbers already drawn.
    const [r1, a1] = await replicaWithSeed(9);
    const [r2, a2] = await replicaWithSeed(9);
    await r1.replica.actor<SemanticsSandbox>(a1).randoms(4);
    await r2.replica.actor<SemanticsSandbox>(a2).randoms(4);
    await r1.restart();
    expect(await r1.replica.actor<SemanticsSandbox>(a1).randoms(4)).toEqual(
      await r2.replica.actor<SemanticsSandbox>(a2).randoms(4),
    );
  });

  it('a trapped execution does not advance the Math.random stream', async () => {
    // Catches: PRNG state not rolled back with the heap, making replays diverge after a trap.
    const [r1, a1] = await replicaWithSeed(11);
    const [r2, a2] = await replicaWithSeed(11);
    await expect(r1.replica.actor<SemanticsSandbox>(a1).randomsThenTrap(5)).rejects.toBeInstanceOf(
      CallRejectedError,
    );
    expect(await r1.replica.actor<SemanticsSandbox>(a1).randoms(3)).toEqual(
      await r2.replica.actor<SemanticsSandbox>(a2).randoms(3),
    );
  });
});
