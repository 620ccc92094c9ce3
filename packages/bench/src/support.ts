/**
 * Pieces every benchmark shares: the shape of a benchmark case, the timing loop, replica setup,
 * repository paths, and the few fixed Candid messages the benchmarks send (hand-encoded, so the
 * synchronous figures measure the runtime and not a Candid encoder on the host side).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Replica, type Outcome } from '@tincan/replica';

/** One measured operation loop. */
export interface BenchCase {
  /** Row label in the table. */
  readonly name: string;
  /** Minimum ratio to the SQLite floor this row must reach, if it carries a bar. */
  readonly bar?: number;
  /** Runs `n` operations (one counter update, one round trip, one floor iteration, …). */
  run(n: number): void | Promise<void>;
  /** Checks that every operation run so far really happened (e.g. the counter's value). */
  verify?(): Promise<void>;
}

/** The repository root: the nearest directory above this file that holds `turbo.json`. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'turbo.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir)
      throw new Error('bench: cannot find the repository root (no turbo.json above this file)');
    dir = up;
  }
}

/** The replicas the runtime benchmarks run on: one without and one with the wall-clock backstop. */
export interface BenchReplicas {
  /** `wallClockLimits: false`: ops run without the watchdog. */
  readonly backstopOff: Replica;
  /** The default: every op runs under the process's watchdog (5,000 ms for updates). */
  readonly backstopOn: Replica;
}

/** Opens the two benchmark replicas, each on a real SQLite file in its own directory under `tmp`. */
export async function openReplicas(tmp: string): Promise<BenchReplicas> {
  const open = async (dir: string, wallClockLimits?: false): Promise<Replica> => {
    const stateDir = path.join(tmp, dir);
    const replica = await Replica.create({
      stateDir,
      ...(wallClockLimits !== undefined && { wallClockLimits }),
    });
    stateDirs.set(replica, stateDir);
    return replica;
  };
  return {
    backstopOff: await open('replica-backstop-off', false),
    backstopOn: await open('replica-backstop-on'),
  };
}

const stateDirs = new WeakMap<Replica, string>();

/** The SQLite file of a replica opened by {@link openReplicas}. */
export function stateFileOf(replica: Replica): string {
  const dir = stateDirs.get(replica);
  if (dir === undefined) throw new Error('bench: the replica was not opened by openReplicas');
  return path.join(dir, 'replica.sqlite');
}

/** The anonymous principal's bytes: the caller of every ingress message here. */
export const ANONYMOUS = new Uint8Array([0x04]);

/** Candid `()`: no arguments. */
export const NO_ARGS = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);

/** Candid `(1 : nat)`. */
export const NAT_ONE = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x7d, 0x01]);

/** Decodes a reply that is exactly one `nat` (`DIDL 00 01 7d <LEB128>`). */
export function decodeNat(bytes: Uint8Array): bigint {
  const header = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x01, 0x7d];
  if (bytes.length <= header.length || header.some((b, i) => bytes[i] !== b))
    throw new Error('bench: reply is not a single nat');
  let value = 0n;
  let shift = 0n;
  for (let i = header.length; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) break;
  }
  return value;
}

/** Throws unless `outcome` is a reply; names the operation in the error. */
export function expectReply(outcome: Outcome | undefined, what: string): Uint8Array {
  if (outcome === undefined) throw new Error(`bench: ${what} produced no outcome`);
  if ('reject' in outcome)
    throw new Error(
      `bench: ${what} was rejected: ${outcome.reject.code} ${outcome.reject.message}`,
    );
  return outcome.reply;
}

/** Catches the outcome the runtime hands an ingress call's `onAnswer`, for synchronous loops. */
export class AnswerSlot {
  #outcome: Outcome | undefined;
  /** Pass this as `onAnswer`. */
  readonly onAnswer = (outcome: Outcome): void => {
    this.#outcome = outcome;
  };

  /** The reply received since the last take; throws on a reject or when none arrived. */
  take(what: string): Uint8Array {
    const outcome = this.#outcome;
    this.#outcome = undefined;
    return expectReply(outcome, what);
  }
}

/** Runs a query on committed state and decodes its single-`nat` reply. */
export function queryNat(replica: Replica, canisterId: Uint8Array, method: string): bigint {
  return decodeNat(
    expectReply(
      replica.runtime.query({ canisterId, method, arg: NO_ARGS, caller: ANONYMOUS }),
      `query ${method}`,
    ),
  );
}

/** Result of timing one case for one time budget. */
export interface Timing {
  readonly ops: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** CPU seconds (user + system, all threads of the process): insensitive to time slicing. */
  readonly cpuSeconds: number;
}

/**
 * Runs `bench` for about `budgetMs`: batches grow until one takes at least ~10 ms, so the clock
 * is read rarely, then batches repeat until the budget is spent. A full GC runs first (when
 * node runs with --expose-gc) so one case does not pay for the garbage of the one before.
 * CPU time is taken alongside wall time: on a shared machine, other processes stretch the wall
 * time of a slice but not the CPU time it used.
 */
export async function measure(bench: BenchCase, budgetMs: number): Promise<Timing> {
  globalThis.gc?.();
  let batch = 1;
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    const batchStart = now;
    const pending = bench.run(batch);
    if (pending !== undefined) await pending;
    ops += batch;
    now = performance.now();
    if (now - batchStart < 10 && batch < 1 << 16) batch *= 2;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { ops, seconds: (now - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
