/**
 * A replica of several subnets for tests: each subnet's state in a fresh temp directory (real
 * SQLite), removed on dispose, all on one manual clock by default.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock, Subnets, type SubnetsOptions } from '@tincan/replica';
import { TEST_EPOCH_NS } from './test-replica.js';

/** Options of {@link createTestSubnets}: `count` subnets (2 by default) and any replica option. */
export interface TestSubnetsOptions extends Omit<SubnetsOptions, 'count' | 'stateDir'> {
  readonly count?: number;
}

/** Several subnets plus their temp state directory and clock. */
export interface TestSubnets {
  readonly subnets: Subnets;
  readonly stateDir: string;
  readonly clock: ManualClock | undefined;
  /** Closes every subnet and removes the temp directory. */
  dispose(): Promise<void>;
}

/** Creates a replica of `count` subnets (2 by default) in a temp directory. */
export async function createTestSubnets(options: TestSubnetsOptions = {}): Promise<TestSubnets> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'tincan-subnets-'));
  const clock = options.clock === undefined ? new ManualClock(TEST_EPOCH_NS) : undefined;
  const subnets = await Subnets.create({
    ...options,
    count: options.count ?? 2,
    stateDir,
    clock: options.clock ?? (clock as ManualClock),
  });
  return {
    subnets,
    stateDir,
    clock,
    async dispose() {
      await subnets.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
