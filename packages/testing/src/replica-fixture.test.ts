import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@tincan/replica';
import { useTestReplica, useTestReplicas } from './replica-fixture.js';
import { TEST_EPOCH_NS } from './test-replica.js';

describe('useTestReplica (per test)', () => {
  const t = useTestReplica();
  const seen: string[] = [];

  it('gives a live replica on a manual clock in a temp directory', () => {
    expect(t.clock).toBeInstanceOf(ManualClock);
    expect(t.clock?.nowNs()).toBe(TEST_EPOCH_NS);
    expect(existsSync(t.stateDir)).toBe(true);
    expect(t.current.replica).toBe(t.replica);
    seen.push(t.stateDir);
  });

  it('gives the next test a fresh replica and disposed the previous one', () => {
    expect(seen).toHaveLength(1);
    expect(t.stateDir).not.toBe(seen[0]);
    expect(existsSync(seen[0] as string)).toBe(false);
    seen.push(t.stateDir);
  });

  afterAll(() => {
    // Both directories are gone once the block's last test is over.
    expect(seen.map((dir) => existsSync(dir))).toEqual([false, false]);
  });
});

describe('useTestReplica (scope: file)', () => {
  const t = useTestReplica({}, { scope: 'file' });
  let first: string | undefined;

  it('shares one replica across tests', () => {
    first = t.stateDir;
  });

  it('still the same replica in the next test', () => {
    expect(t.stateDir).toBe(first);
    expect(existsSync(t.stateDir)).toBe(true);
  });
});

describe('useTestReplica options', () => {
  let calls = 0;
  const t = useTestReplica(() => {
    calls++;
    return { maxLoadedCanisters: 1 };
  });

  it('calls an options function at each creation', () => {
    expect(calls).toBe(1);
    expect(t.replica).toBeDefined();
  });
});

describe('useTestReplica outside a test', () => {
  const t = useTestReplica();
  it('throws a clear error when read before the replica exists', () => {
    expect(t.replica).toBeDefined();
  });
  expect(() => t.replica).toThrow(/no replica here/);
});

describe('useTestReplicas', () => {
  const pool = useTestReplicas();
  const dirs: string[] = [];

  it('creates several replicas with their own options', async () => {
    const a = await pool.create();
    const b = await pool.create({ maxLoadedCanisters: 1 });
    expect(a.stateDir).not.toBe(b.stateDir);
    dirs.push(a.stateDir, b.stateDir);
  });

  it('disposed them after the test', () => {
    expect(dirs.map((dir) => existsSync(dir))).toEqual([false, false]);
  });
});
