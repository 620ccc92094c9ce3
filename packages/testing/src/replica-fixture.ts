/**
 * Vitest fixtures for test replicas: register the create/dispose hooks once instead of
 * repeating `beforeEach(create)` + `afterEach(dispose)` in every test file.
 *
 * This module imports vitest's hooks, so `@tincan/testing` has vitest as an (optional) peer
 * dependency: the harness is meant to be imported from vitest test files.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ManualClock, Replica } from '@tincan/replica';
import { createTestReplica, type TestReplica, type TestReplicaOptions } from './test-replica.js';

/** Options of {@link useTestReplica}. */
export interface ReplicaFixtureOptions {
  /**
   * `'test'` (the default): a fresh replica for every test (`beforeEach`/`afterEach`).
   * `'file'`: one replica shared by the tests of the enclosing file or `describe` block
   * (`beforeAll`/`afterAll`).
   */
  readonly scope?: 'test' | 'file';
}

/**
 * The live {@link TestReplica} of a fixture. Its properties read through to the replica of the
 * running test; reading them outside a test (or after a failed creation) throws.
 */
export interface ReplicaFixture {
  /** The replica of the running test (or of the file, with `scope: 'file'`). */
  readonly current: TestReplica;
  readonly replica: Replica;
  readonly stateDir: string;
  readonly clock: ManualClock | undefined;
  /** Closes and reopens the current replica on the same state directory. */
  restart(): Promise<Replica>;
}

/**
 * Registers hooks that create a test replica before each test (or once, with
 * `{ scope: 'file' }`) and dispose it afterwards, whether the test passed or failed. Call it at
 * the top level of a test file or inside a `describe`, then use the returned handle in tests:
 *
 * ```ts
 * const t = useTestReplica({ fees: ZERO_FEES });
 * it('deploys', async () => { await t.replica.deploy('src/index.ts'); });
 * ```
 *
 * Hooks registered after this call (a `beforeEach` that deploys canisters) already see the
 * replica. `options` may be a function, called at each creation, for options built per test.
 */
export function useTestReplica(
  options: TestReplicaOptions | (() => TestReplicaOptions) = {},
  fixture: ReplicaFixtureOptions = {},
): ReplicaFixture {
  let current: TestReplica | undefined;
  const setUp = async (): Promise<void> => {
    current = await createTestReplica(typeof options === 'function' ? options() : options);
  };
  const tearDown = async (): Promise<void> => {
    const done = current;
    current = undefined;
    await done?.dispose();
  };
  if (fixture.scope === 'file') {
    beforeAll(setUp);
    afterAll(tearDown);
  } else {
    beforeEach(setUp);
    afterEach(tearDown);
  }
  const live = (): TestReplica => {
    if (current === undefined) {
      throw new Error('useTestReplica: no replica here (outside a test, or its creation failed)');
    }
    return current;
  };
  return {
    get current() {
      return live();
    },
    get replica() {
      return live().replica;
    },
    get stateDir() {
      return live().stateDir;
    },
    get clock() {
      return live().clock;
    },
    restart: () => live().restart(),
  };
}

/** A factory of test replicas that are all disposed after the test that created them. */
export interface ReplicaPool {
  /** Creates a test replica, disposed after the running test. */
  create(options?: TestReplicaOptions): Promise<TestReplica>;
}

/**
 * Registers an `afterEach` that disposes every replica created through the returned pool
 * during the test, even when it failed: for tests that each need their own options, or
 * several replicas.
 */
export function useTestReplicas(): ReplicaPool {
  const open: TestReplica[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.dispose();
  });
  return {
    async create(options) {
      const t = await createTestReplica(options);
      open.push(t);
      return t;
    },
  };
}
