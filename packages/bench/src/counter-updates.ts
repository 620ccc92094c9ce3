/**
 * Persisted counter updates: `add(1)` on the counter canister (canisters/counter), each one a
 * full update execution that ends in a SQLite commit of the heap snapshot and the caller's
 * stable-map total. Measured three ways:
 *
 * - **runtime sync**: `runtime.submit(...)` then `runtime.runUntilIdle()`, with hand-encoded
 *   Candid and no event-loop hop: the runtime itself. Once with the wall-clock backstop off and
 *   once on (the default: every sandbox op runs under the process's one watchdog thread).
 * - **actor await**: `await replica.actor(counter).add(1n)`, one call at a time: what a client
 *   in the same process sees (Candid encode/decode, a promise, one driver slice per call).
 * - **actor, 64 in flight**: the same actor path with 64 calls outstanding, so driver slices
 *   and event-loop turns are shared between calls.
 *
 * Plus `increment()` (runtime sync, timeout 0), which writes only the heap: the cost of the
 * stable-map read and write inside `add` is the difference.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ActorOf, Replica } from '@tincan/replica';
import {
  ANONYMOUS,
  AnswerSlot,
  NAT_ONE,
  NO_ARGS,
  queryNat,
  stateFileOf,
  type BenchCase,
  type BenchReplicas,
} from './support.js';

/** The bar of the issue: counter updates reach at least 1/3 of the SQLite floor. */
export const COUNTER_BAR = 1 / 3;

/** Counter cases plus the heap snapshot size the SQLite floor should write. */
export interface CounterBenchmarks {
  readonly cases: BenchCase[];
  /** Size of the counter's committed heap snapshot, in bytes. */
  readonly snapshotBytes: number;
}

/** Deploys one counter per replica and builds the counter cases. */
export async function counterBenchmarks(
  root: string,
  replicas: BenchReplicas,
): Promise<CounterBenchmarks> {
  const entry = path.join(root, 'canisters/counter/src/index.ts');
  const fast = await Counter.deploy(replicas.backstopOff, entry);
  const guarded = await Counter.deploy(replicas.backstopOn, entry);
  // Warm the canister once so the snapshot has its steady-state shape (a total for the caller).
  fast.syncRun('add', 1);
  guarded.syncRun('add', 1);
  const cases: BenchCase[] = [
    fast.syncCase(
      "counter increment() (the floor's read, write, commit), runtime sync, backstop off",
      'increment',
    ),
    fast.actorCase('counter increment(), actor await, backstop off', 1, 'increment'),
    fast.actorCase('counter increment(), actor, 64 in flight, backstop off', 64, 'increment'),
    fast.syncCase(
      'counter add(1) (+ stable-map read and write), runtime sync, backstop off',
      'add',
    ),
    guarded.syncCase('counter add(1), runtime sync, backstop on (default)', 'add'),
  ];
  return { cases, snapshotBytes: fast.snapshotBytes() };
}

/** The counter's methods the benchmarks call through an actor. */
interface CounterMethods {
  add(n: bigint): bigint;
  increment(): bigint;
}

/** One deployed counter and the number of increments it should have seen. */
export class Counter {
  #expected = 0n;
  readonly #replica: Replica;
  readonly #id: Uint8Array;
  readonly #actor: ActorOf<CounterMethods>;

  static async deploy(replica: Replica, entry: string): Promise<Counter> {
    const handle = await replica.deploy(entry);
    return new Counter(replica, handle.id.toUint8Array(), replica.actor<CounterMethods>(handle));
  }

  private constructor(replica: Replica, id: Uint8Array, actor: ActorOf<CounterMethods>) {
    this.#replica = replica;
    this.#id = id;
    this.#actor = actor;
  }

  /** Runs `n` updates through the synchronous runtime, one execution (and commit) each. */
  syncRun(method: 'add' | 'increment', n: number): void {
    const runtime = this.#replica.runtime;
    const call = {
      canisterId: this.#id,
      method,
      arg: method === 'add' ? NAT_ONE : NO_ARGS,
      caller: ANONYMOUS,
    };
    const answer = new AnswerSlot();
    for (let i = 0; i < n; i++) {
      runtime.submit(call, answer.onAnswer);
      runtime.runUntilIdle();
      answer.take(method);
    }
    this.#expected += BigInt(n);
  }

  syncCase(name: string, method: 'add' | 'increment', bar = true): BenchCase {
    return {
      name,
      ...(bar && { bar: COUNTER_BAR }),
      run: (n) => this.syncRun(method, n),
      verify: () => this.verify(),
    };
  }

  /** Awaits `n` calls of `method` through the typed actor, `inFlight` at a time. */
  actorCase(name: string, inFlight: number, method: 'add' | 'increment'): BenchCase {
    const once = (): Promise<bigint> =>
      method === 'add' ? this.#actor.add(1n) : this.#actor.increment();
    const run = async (n: number): Promise<void> => {
      for (let done = 0; done < n; done += inFlight) {
        const batch = Math.min(inFlight, n - done);
        if (batch === 1) await once();
        else await Promise.all(Array.from({ length: batch }, once));
      }
      this.#expected += BigInt(n);
    };
    return { name, bar: COUNTER_BAR, run, verify: () => this.verify() };
  }

  /** Checks that the committed count equals the updates this process ran. */
  async verify(): Promise<void> {
    const count = queryNat(this.#replica, this.#id, 'get');
    if (count !== this.#expected)
      throw new Error(`bench: counter is ${count}, expected ${this.#expected}`);
  }

  /** Reads the committed heap's size (meta and object rows) through a second, read-only connection. */
  snapshotBytes(): number {
    const db = new Database(stateFileOf(this.#replica), { readonly: true });
    try {
      const size = db
        .prepare<[Uint8Array, Uint8Array], number>(
          'SELECT length(snapshot) + (SELECT COALESCE(SUM(length(data)), 0) FROM heap_rows WHERE canister_id = ?) FROM heaps WHERE canister_id = ?',
        )
        .pluck()
        .get(this.#id, this.#id);
      if (size === undefined) throw new Error('bench: the counter has no heap snapshot');
      return size;
    } finally {
      db.close();
    }
  }
}
