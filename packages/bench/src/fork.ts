/**
 * Checkpoints and forks (bar: forking at least 10× faster): deploying N canisters fresh versus forking a replica
 * that already holds them from a checkpoint, both timed in this run, plus a fork followed by
 * one query on every canister (which loads each lazily). Bar: the fork is ≥ 10× faster.
 */
import path from 'node:path';
import { Replica } from '@tincan/replica';
import { NO_ARGS, expectReply } from './support.js';

/** The bar: forking beats deploying fresh by this factor. */
export const FORK_BAR = 10;

/** Timings of the fork benchmark, in milliseconds. */
export interface ForkResult {
  readonly canisters: number;
  readonly deployFreshMs: number;
  readonly forkMs: number;
  readonly forkAndTouchMs: number;
}

/** Deploys `canisters` counters into a new replica, checkpoints it, and times a fork. */
export async function forkBenchmark(
  root: string,
  tmp: string,
  canisters: number,
): Promise<ForkResult> {
  const entry = path.join(root, 'canisters/counter/src/index.ts');
  const stateDir = path.join(tmp, 'fork-source');
  const source = await Replica.create({ stateDir });
  // Warm the bundle cache and the kernel, so "fresh" measures deploying, not the first build.
  await source.deploy(entry);
  const started = performance.now();
  const ids = [];
  for (let i = 0; i < canisters; i++) ids.push((await source.deploy(entry)).id);
  const deployFreshMs = performance.now() - started;
  const checkpoint = path.join(tmp, 'fork.sqlite');
  await source.checkpoint(checkpoint);
  await source.close();

  let t = performance.now();
  const fork = await Replica.create({
    stateDir: path.join(tmp, 'fork-1'),
    fromCheckpoint: checkpoint,
  });
  const forkMs = performance.now() - t;
  await fork.close();

  t = performance.now();
  const touched = await Replica.create({
    stateDir: path.join(tmp, 'fork-2'),
    fromCheckpoint: checkpoint,
  });
  for (const id of ids)
    expectReply(await touched.query(id, 'get', NO_ARGS), 'get on a forked canister');
  const forkAndTouchMs = performance.now() - t;
  await touched.close();
  return { canisters, deployFreshMs, forkMs, forkAndTouchMs };
}

/** Report lines for a fork result. */
export function forkReport(r: ForkResult): string[] {
  const ratio = r.deployFreshMs / r.forkMs;
  return [
    `Fork (${r.canisters} canisters): deploy fresh ${r.deployFreshMs.toFixed(0)} ms; fork from checkpoint ${r.forkMs.toFixed(1)} ms ` +
      `(${ratio.toFixed(0)}× faster, bar ≥ ${FORK_BAR}× ${ratio >= FORK_BAR ? 'PASS' : 'MISS'}); ` +
      `fork + first query on every canister ${r.forkAndTouchMs.toFixed(0)} ms (${(r.deployFreshMs / r.forkAndTouchMs).toFixed(1)}× faster).`,
  ];
}
