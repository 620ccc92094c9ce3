/**
 * Restart with many canisters: `tincan start` on a state directory holding `count` counter
 * canisters answers `/api/v2/status` within 1 s (bar). The directory is made by installing
 * the counter once and copying its registry and heap rows in SQLite under new ids (an
 * install per canister would take minutes; the rows are what 10,000 installs leave). Reports
 * the median over `runs` starts of spawn-to-first-200 and the median of a bare `node -e 0`
 * spawn in the same run.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { Replica } from '@tincan/replica';
import { bareNodeMs, startTincan } from './tincan-process.js';

/** The bar, in milliseconds from spawn to the first answered status. */
export const START_MANY_BAR_MS = 1000;

/** What {@link startManyBenchmark} measured (medians, milliseconds). */
export interface StartManyResult {
  readonly count: number;
  readonly runs: number;
  readonly statusMs: number;
  readonly bareNodeMs: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const LOCAL_RANGE_START = 0x8000_0000_0010_0000n;
const idOf = (index: number): Uint8Array => {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, LOCAL_RANGE_START + BigInt(index));
  bytes[8] = 1;
  bytes[9] = 1;
  return bytes;
};

/** Makes a state directory with `count` counters (one installed, the rest copied). */
export async function makeStateDir(root: string, stateDir: string, count: number): Promise<void> {
  const seed = await Replica.create({
    stateDir: path.join(stateDir, 'replica'),
    wallClockLimits: false,
  });
  await seed.deploy(path.join(root, 'canisters/counter/src/index.ts'));
  await seed.close();
  const db = new Database(path.join(stateDir, 'replica', 'replica.sqlite'));
  const first = db.prepare('SELECT id, idx FROM canisters ORDER BY idx LIMIT 1').get() as {
    id: Uint8Array;
    idx: number;
  };
  const copyCanister = db.prepare(
    `INSERT INTO canisters (id, idx, module, module_hash, candid, controllers, status, version, cycles, settings_json)
     SELECT ?, ?, module, module_hash, candid, controllers, status, version, cycles, settings_json FROM canisters WHERE id = ?`,
  );
  const copyHeap = db.prepare(
    'INSERT INTO heaps (canister_id, snapshot, cycles) SELECT ?, snapshot, cycles FROM heaps WHERE canister_id = ?',
  );
  db.transaction(() => {
    for (let i = 1; i < count; i++) {
      const id = idOf(first.idx + i);
      copyCanister.run(id, first.idx + i, first.id);
      copyHeap.run(id, first.id);
    }
  })();
  db.close();
}

/** Starts `tincan start` on a directory of `count` canisters `runs` times. */
export async function startManyBenchmark(
  root: string,
  tmp: string,
  count: number,
  runs: number,
): Promise<StartManyResult> {
  const stateDir = path.join(tmp, 'start-many');
  await makeStateDir(root, stateDir, count);
  const [status, bare] = [[], []] as [number[], number[]];
  for (let i = 0; i < runs; i++) {
    bare.push(await bareNodeMs());
    const t = performance.now();
    const tincan = await startTincan(stateDir);
    try {
      for (;;) {
        const res = await fetch(`${tincan.url}/api/v2/status`).catch(() => undefined);
        if (res?.status === 200) break;
      }
      status.push(performance.now() - t);
    } finally {
      await tincan.stop();
    }
  }
  return { count, runs, statusMs: median(status), bareNodeMs: median(bare) };
}

/** The Markdown report of {@link startManyBenchmark}. */
export function startManyReport(r: StartManyResult): string[] {
  return [
    '',
    `Restart with ${r.count.toLocaleString('en-US')} canisters: \`tincan start\` to the first answered /api/v2/status (median of ${r.runs})`,
    '',
    '| spawn to status ms | bare node spawn ms | bar |',
    '|---:|---:|---|',
    `| ${r.statusMs.toFixed(0)} | ${r.bareNodeMs.toFixed(0)} | ≤ ${START_MANY_BAR_MS} ms ${r.statusMs <= START_MANY_BAR_MS ? 'PASS' : 'MISS'} |`,
  ];
}
