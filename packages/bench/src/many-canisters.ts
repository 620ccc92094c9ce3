/**
 * Many canisters in one replica. A state directory of `count` counters (rows copied in SQLite,
 * see start-many.ts) is opened with the replica's default residency limit; a directory with one
 * counter is the baseline. Measured in the same run:
 *
 * - the update rate of one hot canister with `count` installed over the rate with 1 installed
 *   (alternating slices; bar ≥ 0.8);
 * - the first update to a hibernated canister (one never loaded, so it loads from the store):
 *   median milliseconds (bar ≤ 50);
 * - resident memory after `touched` canisters each took one update (bar ≤ 2 GB), with how
 *   many stay loaded.
 */
import path from 'node:path';
import { Replica } from '@tincan/replica';
import { makeStateDir } from './start-many.js';
import { ANONYMOUS, AnswerSlot, NAT_ONE, measure, type BenchCase, type Timing } from './support.js';

/** Bars: hot-canister rate ratio, first update to a hibernated canister, resident memory. */
export const MANY_RATE_BAR = 0.8;
export const HIBERNATED_UPDATE_BAR_MS = 50;
export const RSS_BAR_BYTES = 2 * 1024 ** 3;

/** What {@link manyCanistersBenchmark} measured. */
export interface ManyCanistersResult {
  readonly count: number;
  readonly one: Timing[];
  readonly many: Timing[];
  readonly hibernatedMs: number[];
  readonly touched: number;
  readonly rssBytes: number;
  readonly loaded: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Runs the many-canister measurements on `count` canisters, touching `touched` of them. */
export async function manyCanistersBenchmark(
  root: string,
  tmp: string,
  count: number,
  touched: number,
  seconds: number,
  rounds: number,
): Promise<ManyCanistersResult> {
  await makeStateDir(root, path.join(tmp, 'many-one'), 1);
  await makeStateDir(root, path.join(tmp, 'many-all'), count);
  const one = await Replica.create({
    stateDir: path.join(tmp, 'many-one', 'replica'),
    wallClockLimits: false,
  });
  const many = await Replica.create({
    stateDir: path.join(tmp, 'many-all', 'replica'),
    wallClockLimits: false,
  });
  try {
    const ids = (replica: Replica): Uint8Array[] => replica.runtime.canisterIds();
    const answer = new AnswerSlot();
    const update = (replica: Replica, canisterId: Uint8Array): void => {
      replica.runtime.submit(
        { canisterId, method: 'add', arg: NAT_ONE, caller: ANONYMOUS },
        answer.onAnswer,
      );
      replica.runtime.runUntilIdle();
      answer.take('add');
    };
    const hot = (replica: Replica, name: string): BenchCase => {
      const id = ids(replica)[0] as Uint8Array;
      return {
        name,
        run: (n) => {
          for (let i = 0; i < n; i++) update(replica, id);
        },
      };
    };
    const all = ids(many);
    const hibernatedMs: number[] = [];
    // Canisters at the end of the list were never loaded: their first update loads them.
    for (let i = 1; i <= 20; i++) {
      const t = performance.now();
      update(many, all[all.length - i] as Uint8Array);
      hibernatedMs.push(performance.now() - t);
    }
    for (let i = 0; i < touched; i++) update(many, all[i] as Uint8Array);
    globalThis.gc?.();
    const rssBytes = process.memoryUsage().rss;
    const loaded = many.runtime.loadedCanisters();
    const [a, b] = [
      hot(one, 'hot counter, 1 installed'),
      hot(many, `hot counter, ${count} installed`),
    ];
    await measure(a, 100);
    await measure(b, 100);
    const result = { one: [] as Timing[], many: [] as Timing[] };
    const slice = (seconds * 1000) / rounds;
    for (let r = 0; r < rounds; r++) {
      result.one.push(await measure(a, slice));
      result.many.push(await measure(b, slice));
    }
    return { count, ...result, hibernatedMs, touched, rssBytes, loaded };
  } finally {
    await one.close();
    await many.close();
  }
}

/** The Markdown report of {@link manyCanistersBenchmark}. */
export function manyCanistersReport(r: ManyCanistersResult): string[] {
  const rate = (t: readonly Timing[]): number =>
    t.reduce((n, x) => n + x.ops, 0) / t.reduce((s, x) => s + x.seconds, 0);
  const ratio = rate(r.many) / rate(r.one);
  const hib = median(r.hibernatedMs);
  const gib = r.rssBytes / 1024 ** 3;
  return [
    '',
    `Many canisters: ${r.count.toLocaleString('en-US')} counters in one replica (default residency limit)`,
    '',
    '| measure | value | bar |',
    '|---|---:|---|',
    `| hot counter add(1)/s, 1 installed | ${Math.round(rate(r.one)).toLocaleString('en-US')} | |`,
    `| hot counter add(1)/s, ${r.count.toLocaleString('en-US')} installed | ${Math.round(rate(r.many)).toLocaleString('en-US')} | |`,
    `| ratio | ${ratio.toFixed(2)} | ≥ ${MANY_RATE_BAR} ${ratio >= MANY_RATE_BAR ? 'PASS' : 'MISS'} |`,
    `| first update to a hibernated canister, median of ${r.hibernatedMs.length} (ms) | ${hib.toFixed(1)} | ≤ ${HIBERNATED_UPDATE_BAR_MS} ${hib <= HIBERNATED_UPDATE_BAR_MS ? 'PASS' : 'MISS'} |`,
    `| resident memory after ${r.touched.toLocaleString('en-US')} canisters took an update (GiB; ${r.loaded} loaded) | ${gib.toFixed(2)} | ≤ 2 ${r.rssBytes <= RSS_BAR_BYTES ? 'PASS' : 'MISS'} |`,
  ];
}
