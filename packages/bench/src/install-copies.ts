/**
 * Installing many copies of one module: the counter is deployed once (the module is new to the
 * process: bundled, instrumented, compiled), then `copies` more times into fresh canisters of
 * the same replica, each through `Replica.deploy` (bundle cache, create, install_code with the
 * source map, init, one commit). Reports the first install's time, the mean per copy, and the
 * database's growth per copy, measured on the checkpointed file (the WAL folded in) of a
 * replica closed before and after. Bars: ≤ 5 ms per copy, ≤ 10 KB of database per copy.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { Replica } from '@tincan/replica';

/** Bar: milliseconds per installed copy. */
export const INSTALL_MS_BAR = 5;
/** Bar: database bytes per installed copy. */
export const INSTALL_BYTES_BAR = 10_000;

/** What {@link installCopiesBenchmark} measured. */
export interface InstallCopiesResult {
  readonly copies: number;
  readonly firstMs: number;
  readonly perCopyMs: number;
  readonly bytesPerCopy: number;
}

/** Deploys the counter once, then `copies` more times, on a replica of its own under `tmp`. */
export async function installCopiesBenchmark(
  root: string,
  tmp: string,
  copies: number,
): Promise<InstallCopiesResult> {
  const entry = path.join(root, 'canisters/counter/src/index.ts');
  const stateDir = path.join(tmp, 'replica-install-copies');
  const file = path.join(stateDir, 'replica.sqlite');
  let replica = await Replica.create({ stateDir, wallClockLimits: false });
  const first = performance.now();
  await replica.deploy(entry);
  const firstMs = performance.now() - first;
  // Closing checkpoints the WAL into the file, so its size is the database's.
  await replica.close();
  const before = statSync(file).size;
  replica = await Replica.create({ stateDir, wallClockLimits: false });
  // The reopened replica sees the module again through the store; one deploy warms its caches.
  await replica.deploy(entry);
  const start = performance.now();
  for (let i = 0; i < copies; i++) await replica.deploy(entry);
  const perCopyMs = (performance.now() - start) / copies;
  await replica.close();
  const bytesPerCopy = (statSync(file).size - before) / (copies + 1);
  return { copies, firstMs, perCopyMs, bytesPerCopy };
}

/** The Markdown report of {@link installCopiesBenchmark}. */
export function installCopiesReport(r: InstallCopiesResult): string[] {
  return [
    '',
    `Installing ${r.copies.toLocaleString('en-US')} copies of one module (counter, Replica.deploy)`,
    '',
    '| first install ms | ms per copy | database bytes per copy | bars |',
    '|---:|---:|---:|---|',
    `| ${r.firstMs.toFixed(1)} | ${r.perCopyMs.toFixed(2)} | ${Math.round(r.bytesPerCopy).toLocaleString('en-US')} | ` +
      `≤ ${INSTALL_MS_BAR} ms ${r.perCopyMs <= INSTALL_MS_BAR ? 'PASS' : 'MISS'}, ≤ ${INSTALL_BYTES_BAR.toLocaleString('en-US')} B ${r.bytesPerCopy <= INSTALL_BYTES_BAR ? 'PASS' : 'MISS'} |`,
  ];
}
