/**
 * A replica for tests: state in a fresh temp directory (real SQLite), removed on dispose, with a
 * manual clock by default so time moves only when the test says so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, Replica, type ReplicaOptions } from '@tincan/replica';

/** Options of {@link createTestReplica}. */
export interface TestReplicaOptions extends Omit<ReplicaOptions, 'stateDir'> {
  /** Reuse this state directory (for restart tests); it is not removed on dispose. */
  readonly stateDir?: string;
}

/** A replica plus its temp state directory and clock. */
export interface TestReplica {
  readonly replica: Replica;
  readonly stateDir: string;
  readonly clock: ManualClock | undefined;
  /** Closes the replica and removes the temp directory (unless it was given). */
  dispose(): Promise<void>;
  /** Closes and reopens the replica on the same state directory: a restart. */
  restart(): Promise<Replica>;
}

/** Fixed start of test time: 2026-01-01T00:00:00Z. */
export const TEST_EPOCH_NS = 1_767_225_600_000_000_000n;

/** Creates a replica in a temp directory. */
export async function createTestReplica(options: TestReplicaOptions = {}): Promise<TestReplica> {
  const owned = options.stateDir === undefined;
  const stateDir = options.stateDir ?? mkdtempSync(path.join(os.tmpdir(), 'tincan-test-'));
  const clock = options.clock === undefined ? new ManualClock(TEST_EPOCH_NS) : undefined;
  const replicaOptions: ReplicaOptions = {
    ...options,
    stateDir,
    clock: options.clock ?? (clock as ManualClock),
  };
  let replica = await Replica.create(replicaOptions);
  return {
    get replica() {
      return replica;
    },
    stateDir,
    clock,
    async dispose() {
      await replica.close();
      if (owned) rmSync(stateDir, { recursive: true, force: true });
    },
    async restart() {
      await replica.close();
      replica = await Replica.create(replicaOptions);
      return replica;
    },
  };
}
