/**
 * `tincan start` as a subprocess, as the CLI benchmarks (start-up, restart, call, fuzz) run it:
 * the built bin of the declared @tincan/cli dependency, spawned with extra Node flags if any,
 * and its URL read from the "running at" line it prints.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** The built `tincan` bin, found the way Node resolves the @tincan/cli dependency. */
export function cliBin(): string {
  return path.join(
    path.dirname(createRequire(import.meta.url).resolve('@tincan/cli')),
    'bin/tincan.js',
  );
}

/** A running `tincan start`. */
export interface TincanProcess {
  readonly child: ChildProcessByStdio<null, Readable, null>;
  /** The URL it printed. */
  readonly url: string;
  /** Settles when the process has exited. */
  readonly exited: Promise<void>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>;
}

/** Options of {@link startTincan}. */
export interface StartTincanOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The bin to run (default {@link cliBin}). */
  readonly bin?: string;
  /** Node flags before the bin (e.g. a heap cap). */
  readonly nodeArgs?: readonly string[];
  /** Sees every chunk of its stdout, from the first. */
  readonly onStdout?: (chunk: string) => void;
}

/** Spawns `tincan start --port 0 --state-dir <stateDir>` and resolves once it printed its URL. */
export async function startTincan(
  stateDir: string,
  options: StartTincanOptions = {},
): Promise<TincanProcess> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      options.bin ?? cliBin(),
      'start',
      '--port',
      '0',
      '--state-dir',
      stateDir,
    ],
    {
      ...(options.cwd !== undefined && { cwd: options.cwd }),
      ...(options.env !== undefined && { env: options.env }),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const { onStdout } = options;
  if (onStdout !== undefined)
    child.stdout.on('data', (chunk: Buffer) => onStdout(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /running at (http:\/\/\S+)/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      void exited.then(() => reject(new Error(`tincan start exited early:\n${out}`)));
    });
    return { child, url, exited, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Wall time of spawning a bare `node -e 0`, the baseline of the start-up benchmarks (ms). */
export async function bareNodeMs(): Promise<number> {
  const t = performance.now();
  await new Promise<void>((resolve, reject) =>
    spawn(process.execPath, ['-e', '0'])
      .on('exit', () => resolve())
      .on('error', reject),
  );
  return performance.now() - t;
}
