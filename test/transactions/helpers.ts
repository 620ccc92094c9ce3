/**
 * Helpers of the dispatch/reply tests (and of other tests that deploy copies of one fixture on a
 * fresh replica per test): the replica pool with typed actors, the node fixture's canisters and
 * child specs, and awaiting a call that must be rejected.
 */
import type { Principal } from '@dfinity/principal';
import {
  CallRejectedError,
  identity,
  useTestReplicas,
  type TestReplica,
  type TestReplicaOptions,
} from '@tincan/testing';
import type { ActorOf, IdentityLike } from '@tincan/replica';
import type TxNode from '../fixtures/tx-node.js';
import type { ChildSpec, NodeSpec } from '../fixtures/tx-node.js';

/** The node fixture: `run(spec)` dispatches the sub-messages a `NodeSpec` describes. */
export const TX_NODE = 'test/fixtures/tx-node.ts';

/** The user who signs the root calls of the node tests. */
export const alice = identity('alice');

/**
 * A fresh replica per test (disposed after it) running copies of one fixture, and typed actors
 * on them. Functions, not methods, so a test file may destructure them.
 */
export interface FixtureReplicas<T> {
  /** The replica the last `start` or `deploy` created; `undefined` before the first. */
  readonly t: TestReplica | undefined;
  /** Creates a replica with `options`, disposed after the test, and makes it the current one. */
  readonly start: (options?: TestReplicaOptions) => Promise<TestReplica>;
  /** Starts a replica (see `start`) and deploys `count` canisters of the fixture, in order. */
  readonly deploy: (count: number, options?: TestReplicaOptions) => Promise<Principal[]>;
  /** A typed actor on `id` in the current replica, calling as the pool's identity. */
  readonly actor: (id: Principal) => ActorOf<T>;
}

/**
 * Registers the replica pool of a test file (call it at the top level of the file). Actors call
 * as `caller` (anonymous without one).
 */
export function useFixtureReplicas<T>(fixture: string, caller?: IdentityLike): FixtureReplicas<T> {
  const replicas = useTestReplicas();
  let t: TestReplica | undefined;
  const start = async (options?: TestReplicaOptions): Promise<TestReplica> => {
    t = await replicas.create(options);
    return t;
  };
  return {
    get t() {
      return t;
    },
    start,
    deploy: async (count, options = {}) => {
      const current = await start(options);
      const ids: Principal[] = [];
      for (let i = 0; i < count; i++) ids.push((await current.replica.deploy(fixture)).id);
      return ids;
    },
    actor: (id) => {
      if (t === undefined) throw new Error('no replica');
      return t.replica.actor<T>(id, caller === undefined ? {} : { identity: caller });
    },
  };
}

/** The replica pool of the node tests: canisters of `TX_NODE`, called as `alice`. */
export function useTxNodes(): FixtureReplicas<TxNode> {
  return useFixtureReplicas<TxNode>(TX_NODE, alice);
}

/** A child of a node: a sub-message to `canister` running `node`, with `extra` fields after. */
export const childWith = (
  canister: Principal,
  replyOn: ChildSpec['replyOn'],
  node: NodeSpec,
  extra: Partial<ChildSpec> = {},
): ChildSpec => ({ canister: canister.toText(), replyOn, node, ...extra });

/** A child of a node whose reply handler fails when `replyFails`. */
export const child = (
  canister: Principal,
  replyOn: ChildSpec['replyOn'],
  node: NodeSpec,
  replyFails = false,
): ChildSpec => childWith(canister, replyOn, node, { replyFails });

/** Awaits a call that must be rejected, and returns its `CallRejectedError`; rethrows others. */
export async function rejectOf(promise: Promise<unknown>): Promise<CallRejectedError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CallRejectedError) return err;
    throw err;
  }
  throw new Error('expected a reject');
}
