/**
 * A-awaits-B round trips: canister A (canisters/bench-caller) has an update `ping` that awaits
 * `call(B, 'increment')` on a counter B (canisters/counter), then increments its own field and
 * returns. One round trip is three executions and three commits: A's request, B's request and
 * A's callback. Its ratio to the SQLite floor (one commit per floor iteration) therefore tops
 * out near 1/3; the table prints no bar for it.
 *
 * Measured through the synchronous runtime (timeout 0 and the default 5000 ms, as for the
 * counter) and through `await replica.actor(A).ping()`, one round trip at a time.
 */
import path from 'node:path';
import type { ActorOf, Replica } from '@tincan/replica';
import {
  ANONYMOUS,
  AnswerSlot,
  NO_ARGS,
  decodeNat,
  queryNat,
  type BenchCase,
  type BenchReplicas,
} from './support.js';

/** Executions (and commits) per round trip. */
export const EXECUTIONS_PER_ROUND_TRIP = 3;

/** Deploys B and A on each replica and builds the round-trip cases. */
export async function roundTripBenchmarks(
  root: string,
  replicas: BenchReplicas,
): Promise<BenchCase[]> {
  const fast = await Pair.deploy(root, replicas.backstopOff);
  const guarded = await Pair.deploy(root, replicas.backstopOn);
  return [
    fast.syncCase('A awaits B round trip, runtime sync, backstop off'),
    guarded.syncCase('A awaits B round trip, runtime sync, backstop on (default)'),
    fast.actorCase('A awaits B round trip, actor await, backstop off', 1),
    fast.actorCase('A awaits B round trip, actor, 64 in flight, backstop off', 64),
    guarded.actorCase('A awaits B round trip, actor await, backstop on (default)', 1),
  ];
}

/** A's method the actor case calls. */
interface CallerMethods {
  ping(): bigint;
}

/** A caller A and its counter B on one replica, and the round trips they should have seen. */
class Pair {
  #expected = 0n;
  readonly #replica: Replica;
  readonly #a: Uint8Array;
  readonly #b: Uint8Array;
  readonly #actor: ActorOf<CallerMethods>;

  static async deploy(root: string, replica: Replica): Promise<Pair> {
    const b = await replica.deploy(path.join(root, 'canisters/counter/src/index.ts'));
    const a = await replica.deploy(path.join(root, 'canisters/bench-caller/src/index.ts'), {
      initArgs: [b.id],
    });
    return new Pair(
      replica,
      a.id.toUint8Array(),
      b.id.toUint8Array(),
      replica.actor<CallerMethods>(a),
    );
  }

  private constructor(
    replica: Replica,
    a: Uint8Array,
    b: Uint8Array,
    actor: ActorOf<CallerMethods>,
  ) {
    this.#replica = replica;
    this.#a = a;
    this.#b = b;
    this.#actor = actor;
  }

  /** Runs `n` round trips through the synchronous runtime; each reply is A's new count. */
  syncCase(name: string): BenchCase {
    const runtime = this.#replica.runtime;
    const call = { canisterId: this.#a, method: 'ping', arg: NO_ARGS, caller: ANONYMOUS };
    const run = (n: number): void => {
      const answer = new AnswerSlot();
      let reply: Uint8Array | undefined;
      for (let i = 0; i < n; i++) {
        runtime.submit(call, answer.onAnswer);
        const steps = runtime.runUntilIdle();
        if (steps !== EXECUTIONS_PER_ROUND_TRIP)
          throw new Error(
            `bench: a round trip took ${steps} executions, expected ${EXECUTIONS_PER_ROUND_TRIP}`,
          );
        reply = answer.take('ping');
      }
      this.#expected += BigInt(n);
      if (reply !== undefined && decodeNat(reply) !== this.#expected)
        throw new Error('bench: ping returned a wrong count');
    };
    return { name, run, verify: () => this.verify() };
  }

  /** Awaits `n` `ping()` calls through the typed actor, one at a time. */
  /** Awaits `n` pings through the typed actor, `inFlight` at a time. */
  actorCase(name: string, inFlight: number): BenchCase {
    const run = async (n: number): Promise<void> => {
      for (let done = 0; done < n; done += inFlight) {
        const batch = Math.min(inFlight, n - done);
        await Promise.all(Array.from({ length: batch }, () => this.#actor.ping()));
      }
      this.#expected += BigInt(n);
    };
    return { name, run, verify: () => this.verify() };
  }

  /** Checks that A and B both committed exactly the round trips this process ran. */
  async verify(): Promise<void> {
    const a = queryNat(this.#replica, this.#a, 'get');
    const b = queryNat(this.#replica, this.#b, 'get');
    if (a !== this.#expected || b !== this.#expected)
      throw new Error(`bench: A counted ${a}, B ${b}, expected ${this.#expected}`);
  }
}
