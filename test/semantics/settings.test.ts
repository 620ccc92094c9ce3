import { Principal } from '@dfinity/principal';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CANISTER_CYCLES } from '@tincan/replica';
import { useTestReplicas, identity, type TestReplica } from '@tincan/testing';

// ICP semantics: settings and cycle balances are part of a canister's persistent record.
const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('settings and cycles', () => {
  it('starts a deployed canister with ICP defaults and the default balance', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    const settings = t.replica.settings(counter);
    expect(settings.freezingThresholdSeconds).toBe(2_592_000n);
    expect(settings.reservedCyclesLimit).toBe(5_000_000_000_000n);
    expect(settings.logVisibility).toBe('controllers');
    expect(settings.controllers.map((c) => c.toText())).toEqual([Principal.anonymous().toText()]);
    expect(t.replica.cycleBalance(counter)).toBe(DEFAULT_CANISTER_CYCLES);
  });

  it('persists updated settings, controllers and deposits across a restart, bumping the version', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts', {
      cycles: 7n,
      settings: { freezingThresholdSeconds: 5n },
    });
    const before = t.replica.runtime.record(counter.id.toUint8Array()).version;
    const alice = identity('alice');
    t.replica.updateSettings(counter, {
      controllers: [alice],
      logVisibility: 'public',
      memoryAllocationBytes: 1024n,
    });
    t.replica.depositCycles(counter, 2n ** 70n);
    expect(t.replica.runtime.record(counter.id.toUint8Array()).version).toBe(before + 1n);
    await t.restart();
    const settings = t.replica.settings(counter);
    expect(settings.controllers.map((c) => c.toText())).toEqual([alice.toText()]);
    expect(settings.logVisibility).toBe('public');
    expect(settings.memoryAllocationBytes).toBe(1024n);
    expect(settings.freezingThresholdSeconds).toBe(5n);
    expect(t.replica.cycleBalance(counter)).toBe(7n + 2n ** 70n);
  });

  it('refuses a negative deposit and more than 10 controllers', async () => {
    t = await replicas.create();
    const counter = await t.replica.deploy('canisters/counter/src/index.ts');
    expect(() => t?.replica.depositCycles(counter, -1n)).toThrow(/negative/);
    const many = Array.from({ length: 11 }, (_, i) => identity(`c${i}`));
    expect(() => t?.replica.updateSettings(counter, { controllers: many })).toThrow(
      /at most 10 controllers/,
    );
    expect(t.replica.cycleBalance(counter)).toBe(DEFAULT_CANISTER_CYCLES);
  });
});
