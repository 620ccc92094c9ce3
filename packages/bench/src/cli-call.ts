/**
 * The CLI's client bar: CPU time of one `tincan canister call` (an update) on a deployed
 * canister, at most 150 ms. The counter is deployed with `tincan deploy`, so the call reads its
 * interface from the project's `.did` as a user's call does. CPU is measured inside each
 * process (user + system, read at exit through a preloaded module); the baseline is
 * `node -e 0` measured the same way in the same run, alternating with the calls.
 *
 * The call runs with V8's code cache, which the first call after a build writes: the cache is
 * removed first, so that first call is measured cold and reported on its own.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTincan } from './tincan-process.js';

/** The issue's bar, in milliseconds of CPU. */
export const CALL_CPU_BAR_MS = 150;

/** CPU medians of the call benchmark, in milliseconds. */
export interface CallResult {
  readonly runs: number;
  readonly callCpuMs: number;
  readonly bareNodeCpuMs: number;
  /** The first call, without a code cache (it writes one). */
  readonly coldCallCpuMs: number;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
// Preloaded into each measured process: prints its CPU time to fd 3 as it exits.
const CPU_AT_EXIT = `data:text/javascript,${encodeURIComponent(`import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.cpuUsage(); writeSync(3, String((u.user + u.system) / 1000)); });`)}`;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly cpuMs: number;
}

function runMeasured(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', CPU_AT_EXIT, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    });
    let stdout = '';
    let cpu = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on(
      'data',
      (chunk: Buffer) => (cpu += chunk.toString()),
    );
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, cpuMs: Number(cpu) }));
  });
}

/** Starts a replica, deploys the counter with the CLI, then times `runs` calls and bare node starts. */
export async function callBenchmark(root: string, tmp: string, runs: number): Promise<CallResult> {
  const dir = path.join(tmp, 'cli-call');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'dfx.json'),
    JSON.stringify({
      canisters: {
        counter: {
          type: 'azle',
          main: path.join(root, 'canisters/counter/src/index.ts'),
          candid: 'counter.did',
        },
      },
    }),
  );
  const env = { ...process.env, TINCAN_HOME: path.join(dir, 'home') };
  const bin = path.join(root, 'packages/cli/bin/tincan.js');
  const replica = await startTincan(path.join(dir, '.tincan'), { bin, cwd: dir, env });
  const url = replica.url;
  try {
    const deployed = await runMeasured([bin, 'deploy', '--host', url], dir, env);
    if (deployed.code !== 0) throw new Error(`tincan deploy failed:\n${deployed.stdout}`);
    removeCodeCache(root);
    const calls: number[] = [];
    const bare: number[] = [];
    let coldCallCpuMs = NaN;
    for (let i = 0; i <= runs; i++) {
      if (i > 0) bare.push((await runMeasured(['-e', '0'], dir, env)).cpuMs);
      const call = await runMeasured(
        [bin, 'canister', 'call', 'counter', 'add', '(1 : nat)', '--host', url],
        dir,
        env,
      );
      if (call.code !== 0 || call.stdout !== `(${i + 1} : nat)\n`)
        throw new Error(
          `tincan canister call answered ${JSON.stringify(call.stdout)} (exit ${call.code})`,
        );
      if (i === 0) coldCallCpuMs = call.cpuMs;
      else calls.push(call.cpuMs);
    }
    return { runs, callCpuMs: median(calls), bareNodeCpuMs: median(bare), coldCallCpuMs };
  } finally {
    await replica.stop();
  }
}

/** Removes the call build's code cache (packages/cli/dist/bundle/call/*.cache), so the next call runs cold. */
function removeCodeCache(root: string): void {
  const dir = path.join(root, 'packages/cli/dist/bundle/call');
  for (const name of readdirSync(dir))
    if (name.endsWith('.cache')) rmSync(path.join(dir, name), { force: true });
}

/** Report lines for a call result. */
export function callReport(r: CallResult): string[] {
  return [
    `CLI call (median of ${r.runs}): \`tincan canister call counter add\` ${r.callCpuMs.toFixed(0)} ms CPU ` +
      `(bar ≤ ${CALL_CPU_BAR_MS} ms ${r.callCpuMs <= CALL_CPU_BAR_MS ? 'PASS' : 'MISS'}); bare \`node -e 0\` ${r.bareNodeCpuMs.toFixed(0)} ms CPU, ` +
      `ratio ${(r.callCpuMs / r.bareNodeCpuMs).toFixed(1)}×; the first call, without a code cache, ${r.coldCallCpuMs.toFixed(0)} ms (load average ${os.loadavg()[0]?.toFixed(2)}).`,
  ];
}
