/**
 * `npm run bench`: measures persisted counter updates and A-awaits-B round trips against a bare
 * better-sqlite3 loop doing the same read, write and commit, all in this one process run.
 * Absolute rates are noisy across machines and runs; the ratio to the floor measured moments
 * earlier in the same process is the figure to compare.
 *
 * Procedure: set up every case, warm each one up, then run R rounds; in every round each case
 * runs for budget/R right after the floor ran for as long. Floor and case slices alternate, so
 * load that comes and goes on the machine hits both alike. A row's ops/s and baseline ops/s
 * are totals over its slices and its paired floor slices, its ratio is their quotient, and its
 * range is the lowest and highest per-round ratio. The CPU columns repeat the comparison in
 * CPU time, which other processes on a busy machine do not stretch. Bars judge the wall-clock
 * ratio, as the issue defines them. Progress goes to stderr; the Markdown table
 * to stdout. Bars print PASS or MISS; the exit code is 0 either way (it is a measurement tool),
 * and non-zero only when a benchmark fails or its final state check finds a lost update.
 *
 * Then the wall-clock backstop's cost (backstop.ts), tracing's cost (tracing.ts), the HTTP gateway (gateway.ts), the
 * metering overhead (metering.ts), Candid decoding (candid-decode.ts), heap size
 * (heap-size.ts), installing copies of one module (install-copies.ts), 10,000 canisters in
 * one replica (many-canisters.ts), a restart with 10,000 canisters (start-many.ts) and forks
 * (fork.ts), and cross-subnet against same-subnet round trips (xnet-round-trips.ts, `--only xnet`),
 * each with its own baseline.
 *
 * Then the HTTP fuzz (http-fuzz.ts): 100k seeded mutated requests against `tincan start`.
 *
 * Options: --quick (short run), --seconds <s> per case (default 2), --rounds <n> (default 4),
 * --only <text> (cases whose name contains text; the floor always runs), --fuzz-requests <n>
 * (default 100,000; 5,000 with --quick).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backstopBenchmark, backstopReport } from './backstop.js';
import { candidBenchmark, candidReport } from './candid-decode.js';
import { COUNTER_BAR, counterBenchmarks } from './counter-updates.js';
import { callBenchmark, callReport } from './cli-call.js';
import { startBenchmark, startReport } from './cli-start.js';
import { forkBenchmark, forkReport } from './fork.js';
import { fuzzBenchmark, fuzzReport } from './http-fuzz.js';
import { gatewayBenchmark, gatewayReport } from './gateway.js';
import { httpBenchmarks, httpReport } from './http-updates.js';
import { heapSizeBenchmark, heapSizeReport } from './heap-size.js';
import { installCopiesBenchmark, installCopiesReport } from './install-copies.js';
import { startManyBenchmark, startManyReport } from './start-many.js';
import { manyCanistersBenchmark, manyCanistersReport } from './many-canisters.js';
import { meteringBenchmark, meteringReport } from './metering.js';
import { EXECUTIONS_PER_ROUND_TRIP, roundTripBenchmarks } from './round-trips.js';
import { recordingCost, tracingBenchmark, tracingReport } from './tracing.js';
import { xnetBenchmark, xnetReport } from './xnet-round-trips.js';
import { openSqliteFloor, openStoreReplay } from './sqlite-floor.js';
import { measure, openReplicas, repoRoot, type BenchCase, type Timing } from './support.js';

interface Options {
  readonly quick: boolean;
  readonly seconds: number;
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly only: string | undefined;
  readonly fuzzRequests: number;
}

/** Accumulated timings of one case and of the floor slices paired with it. */
interface Row {
  readonly bench: BenchCase;
  readonly own: Timing[];
  readonly floor: Timing[];
}

const rate = (timings: readonly Timing[]): number =>
  timings.reduce((n, t) => n + t.ops, 0) / timings.reduce((s, t) => s + t.seconds, 0);
const cpuRate = (timings: readonly Timing[]): number =>
  timings.reduce((n, t) => n + t.ops, 0) / timings.reduce((s, t) => s + t.cpuSeconds, 0);
const perSecond = (t: Timing): number => t.ops / t.seconds;

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
    return v;
  };
  const number = (flag: string, fallback: number): number => {
    const v = value(flag);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0)
      throw new Error(`bench: ${flag} must be a positive number, got ${v}`);
    return n;
  };
  const known = new Set(['--quick', '--seconds', '--rounds', '--only', '--fuzz-requests']);
  for (const arg of argv)
    if (arg.startsWith('--') && !known.has(arg)) throw new Error(`bench: unknown option ${arg}`);
  return {
    quick,
    seconds: number('--seconds', quick ? 0.4 : 2),
    rounds: Math.max(1, Math.round(number('--rounds', quick ? 4 : 10))),
    warmupSeconds: quick ? 0.1 : 0.3,
    only: value('--only'),
    fuzzRequests: Math.round(number('--fuzz-requests', quick ? 5_000 : 100_000)),
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const progress = (text: string): boolean => process.stderr.write(`${text}\n`);
const loadAverage = (): string =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const root = repoRoot();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tincan-bench-'));
  const closers: Array<() => unknown> = [() => rmSync(tmp, { recursive: true, force: true })];
  try {
    progress('bench: setting up replicas and canisters…');
    const replicas = await openReplicas(tmp);
    closers.unshift(
      () => replicas.backstopOff.close(),
      () => replicas.backstopOn.close(),
    );
    const counter = await counterBenchmarks(root, replicas);
    const roundTrips = await roundTripBenchmarks(root, replicas);
    const floor = openSqliteFloor(tmp, counter.snapshotBytes);
    const replay = openStoreReplay(tmp, counter.snapshotBytes);
    closers.unshift(
      () => floor.close(),
      () => replay.close(),
    );

    const only = options.only;
    const selected = (name: string): boolean =>
      only === undefined || name.includes(only) || only.includes(name);
    const cases = [replay.bench, ...counter.cases, ...roundTrips].filter(
      (c) => only === undefined || c.name.includes(only),
    );
    const floorRow: Row = { bench: floor.bench, own: [], floor: [] };
    const rows: Row[] = cases.map((bench) => ({ bench, own: [], floor: [] }));

    progress(`bench: warming up (load average ${loadAverage()})`);
    for (const bench of [floor.bench, ...cases]) await measure(bench, options.warmupSeconds * 1000);
    const slice = (options.seconds * 1000) / options.rounds;
    for (let round = 1; round <= options.rounds; round++) {
      progress(`bench: round ${round}/${options.rounds} (load average ${loadAverage()})`);
      for (const row of rows) {
        const base = await measure(floor.bench, slice);
        floorRow.own.push(base);
        row.floor.push(base);
        row.own.push(await measure(row.bench, slice));
      }
    }
    for (const row of [floorRow, ...rows]) await row.bench.verify?.();

    if (rows.length > 0) printReport(floorRow, rows, options, counter.snapshotBytes);
    if (selected('backstop cost')) {
      const off = counter.cases.find(
        (c) => c.name.startsWith('counter add(1)') && c.name.includes('backstop off'),
      );
      const on = counter.cases.find(
        (c) => c.name.startsWith('counter add(1)') && c.name.includes('backstop on'),
      );
      if (off === undefined || on === undefined)
        throw new Error('bench: the counter add cases with the backstop off and on are missing');
      progress('bench: wall-clock backstop on vs off…');
      const rounds = options.quick ? 10 : 40;
      process.stdout.write(
        `${backstopReport(await backstopBenchmark(off, on, rounds, options.quick ? 100 : 200)).join('\n')}\n`,
      );
    }
    if (selected('tracing cost')) {
      progress('bench: execution traces on vs off…');
      const rows = await tracingBenchmark(root, tmp, options.seconds * 2, options.rounds);
      process.stdout.write(`${tracingReport(rows, await recordingCost()).join('\n')}\n`);
    }
    if (selected('http')) {
      progress('bench: HTTP update calls through @dfinity/agent…');
      const results = await httpBenchmarks(root, tmp, {
        seconds: options.quick ? 2 : 6,
        rounds: options.quick ? 1 : 3,
        quick: options.quick,
      });
      process.stdout.write(`${httpReport(results).join('\n')}\n`);
    }
    if (selected('gateway')) {
      progress('bench: HTTP gateway vs a direct agent query of http_request…');
      const rows = await gatewayBenchmark(root, tmp, options.quick ? 3 : 6, options.quick ? 3 : 6);
      process.stdout.write(`${gatewayReport(rows).join('\n')}\n`);
    }
    if (selected('metering')) {
      progress('bench: metering overhead, instrumented vs uninstrumented and vs no write barrier…');
      const rows = await meteringBenchmark(
        root,
        replicas.backstopOff,
        options.seconds,
        options.rounds,
      );
      process.stdout.write(`${meteringReport(rows).join('\n')}\n`);
    }
    if (selected('candid')) {
      progress('bench: Candid decoding, checked vs unchecked, and hostile arguments…');
      const result = await candidBenchmark(
        root,
        replicas.backstopOff,
        options.seconds,
        options.rounds,
      );
      process.stdout.write(`${candidReport(result).join('\n')}\n`);
    }
    if (selected('heap')) {
      progress('bench: commit and rollback cost by heap size…');
      const rows = await heapSizeBenchmark(
        root,
        replicas.backstopOff,
        options.seconds,
        options.rounds,
      );
      process.stdout.write(`${heapSizeReport(rows).join('\n')}\n`);
    }
    if (selected('install')) {
      progress('bench: installing copies of one module…');
      const result = await installCopiesBenchmark(root, tmp, options.quick ? 200 : 1000);
      process.stdout.write(`${installCopiesReport(result).join('\n')}\n`);
    }
    if (selected('many canisters')) {
      progress('bench: 10,000 canisters in one replica (hibernation)…');
      const result = await manyCanistersBenchmark(
        root,
        tmp,
        options.quick ? 2_000 : 10_000,
        options.quick ? 1_200 : 3_000,
        options.seconds,
        options.rounds,
      );
      process.stdout.write(`${manyCanistersReport(result).join('\n')}\n`);
    }
    if (selected('restart')) {
      progress('bench: tincan start on a state directory of 10,000 canisters…');
      const result = await startManyBenchmark(
        root,
        tmp,
        options.quick ? 1000 : 10_000,
        options.quick ? 1 : 3,
      );
      process.stdout.write(`${startManyReport(result).join('\n')}\n`);
    }
    if (selected('xnet')) {
      progress('bench: cross-subnet vs same-subnet round trips…');
      process.stdout.write(
        `${xnetReport(await xnetBenchmark(root, tmp, options.seconds * 2, options.rounds)).join('\n')}\n`,
      );
    }
    if (selected('fork')) {
      progress('bench: fork from a checkpoint…');
      process.stdout.write(
        `${forkReport(await forkBenchmark(root, tmp, options.quick ? 20 : 100)).join('\n')}\n`,
      );
    }
    if (only === undefined || only.includes('fuzz')) {
      progress(`bench: HTTP fuzz, ${options.fuzzRequests} requests against tincan start…`);
      process.stdout.write(
        `${fuzzReport(await fuzzBenchmark(root, tmp, options.fuzzRequests)).join('\n')}\n`,
      );
    }
    if (only === undefined || only.includes('start')) {
      progress('bench: tincan start to the first answered call…');
      process.stdout.write(
        `${startReport(await startBenchmark(root, tmp, options.quick ? 3 : 7)).join('\n')}\n`,
      );
    }
    if (only === undefined || only.includes('call')) {
      progress('bench: CPU of one tincan canister call…');
      process.stdout.write(
        `${callReport(await callBenchmark(root, tmp, options.quick ? 5 : 11)).join('\n')}\n`,
      );
    }
  } finally {
    for (const close of closers) await close();
  }
}

function printReport(
  floorRow: Row,
  rows: readonly Row[],
  options: Options,
  snapshotBytes: number,
): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const out: string[] = [
    `tincan bench — ${new Date().toISOString()} — node ${process.version}, ${os.platform()} ${os.arch()}, ${cpu} ×${os.cpus().length}, load average now ${loadAverage()}`,
    `${options.quick ? 'quick run, ' : ''}${options.rounds} rounds × ${((options.seconds * 1000) / options.rounds).toFixed(0)} ms per case, each slice right after a floor slice as long; ` +
      `counter heap snapshot ${snapshotBytes} B`,
    '',
    '| benchmark | ops/s | µs/op | baseline ops/s | ratio | ratio range | CPU µs/op | CPU ratio | bar |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const floorRate = rate(floorRow.own);
  const floorCpu = 1e6 / cpuRate(floorRow.own);
  out.push(
    `| ${floorRow.bench.name} | ${int(floorRate)} | ${(1e6 / floorRate).toFixed(1)} | ${int(floorRate)} | 1.000 | ` +
      `${range(floorRow.own.map((t) => perSecond(t) / floorRate))} | ${floorCpu.toFixed(1)} | 1.000 | — |`,
  );
  for (const row of rows) {
    const [own, base] = [rate(row.own), rate(row.floor)];
    const ratio = own / base;
    const bar =
      row.bench.bar === undefined
        ? '—'
        : `≥ ${row.bench.bar.toFixed(3)} ${ratio >= row.bench.bar ? 'PASS' : 'MISS'}`;
    const perRound = row.own.map((t, i) => perSecond(t) / perSecond(row.floor[i] ?? t));
    const cpu = 1e6 / cpuRate(row.own);
    const cpuRatio = cpuRate(row.own) / cpuRate(row.floor);
    out.push(
      `| ${row.bench.name} | ${int(own)} | ${(1e6 / own).toFixed(1)} | ${int(base)} | ${ratio.toFixed(3)} | ${range(perRound)} | ${cpu.toFixed(1)} | ${cpuRatio.toFixed(3)} | ${bar} |`,
    );
  }
  out.push('');
  const find = (name: string): Row | undefined => rows.find((r) => r.bench.name === name);
  const barred = rows.filter((r) => r.bench.bar !== undefined);
  if (barred.length > 0) {
    out.push(`Counter bar (persisted updates ≥ ${COUNTER_BAR.toFixed(3)} of the floor):`);
    for (const r of barred)
      out.push(
        `  ${rate(r.own) / rate(r.floor) >= COUNTER_BAR ? 'PASS' : 'MISS'}  ${r.bench.name}`,
      );
  }
  for (const [kind, zero, guarded, perOp] of [
    [
      'counter add',
      'counter add(1) (+ stable-map read and write), runtime sync, backstop off',
      'counter add(1), runtime sync, backstop on (default)',
      1,
    ],
    [
      'round trip',
      'A awaits B round trip, runtime sync, backstop off',
      'A awaits B round trip, runtime sync, backstop on (default)',
      EXECUTIONS_PER_ROUND_TRIP,
    ],
  ] as const) {
    const [a, b] = [find(zero), find(guarded)];
    if (a === undefined || b === undefined) continue;
    const extra = 1e6 / rate(b.own) - 1e6 / rate(a.own);
    const extraCpu = 1e6 / cpuRate(b.own) - 1e6 / cpuRate(a.own);
    const ratio = rate(a.own) / rate(b.own);
    out.push(
      `Backstop cost (on minus off, same run), ${kind}: ${(extra / perOp).toFixed(1)} µs wall, ${(extraCpu / perOp).toFixed(1)} µs CPU per execution; ` +
        `off/on throughput ${ratio.toFixed(3)} (bar ≤ 1.05 ${ratio <= 1.05 ? 'PASS' : 'MISS'}).`,
    );
  }
  for (const row of rows.filter((r) => r.bench.name.includes('round trip'))) {
    const executions = rate(row.own) * EXECUTIONS_PER_ROUND_TRIP;
    out.push(
      `${row.bench.name}: ${int(executions)} executions/s, ${(executions / rate(row.floor)).toFixed(3)} of the floor per execution.`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function range(values: readonly number[]): string {
  return `${Math.min(...values).toFixed(3)}–${Math.max(...values).toFixed(3)}`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
