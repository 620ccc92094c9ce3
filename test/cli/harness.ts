/**
 * Shared setup of the CLI tests: the built `tincan` bin (packages/cli/bin, running the bundle in dist/bundle) as a subprocess,
 * a temp project whose dfx.json points at the example canisters, a temp state directory and a
 * temp TINCAN_HOME, and a replica started with `tincan start --port 0`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'packages/cli/bin/tincan.js');

/** What a finished CLI run printed, and its exit code. */
export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp project with dfx.json, a state dir and a TINCAN_HOME. */
export interface CliProject {
  readonly dir: string;
  readonly stateDir: string;
  readonly home: string;
  /** Runs `tincan …args` in the project directory. */
  run(...args: string[]): Promise<CliResult>;
  dispose(): void;
}

const CANISTERS = {
  counter: {
    type: 'azle',
    main: path.join(ROOT, 'canisters/counter/src/index.ts'),
    candid: 'candid/counter.did',
  },
  hotel: {
    type: 'azle',
    main: path.join(ROOT, 'canisters/travel/hotel/src/index.ts'),
    candid: 'candid/hotel.did',
    init_arg: '(1 : nat)',
  },
  agency: {
    type: 'azle',
    main: path.join(ROOT, 'canisters/travel/agency/src/index.ts'),
    candid: 'candid/agency.did',
    dependencies: ['hotel'],
  },
};

/** Creates a temp project (counter, hotel with init_arg, agency depending on hotel). */
export function createProject(): CliProject {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-cli-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  writeFileSync(path.join(dir, 'dfx.json'), JSON.stringify({ canisters: CANISTERS }, null, 2));
  return {
    dir,
    stateDir: path.join(dir, '.tincan'),
    home,
    run: (...args) => runCli(args, dir, home),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], cwd: string, home: string): Promise<CliResult> {
  return runNode([BIN, ...args], cwd, { TINCAN_HOME: home });
}

/** Runs `node …args` to completion. */
export function runNode(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A `tincan start` subprocess. */
export interface StartedReplica {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** Sends SIGTERM and resolves with the exit code once it has shut down. */
  stop(): Promise<number | null>;
}

/** Runs `tincan start --port <port> --state-dir <stateDir> …extra` and waits for its URL. */
export function startReplica(
  project: CliProject,
  options: { port?: number; extra?: string[] } = {},
): Promise<StartedReplica> {
  const args = [
    BIN,
    'start',
    '--port',
    String(options.port ?? 0),
    '--state-dir',
    project.stateDir,
    ...(options.extra ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: project.dir,
    env: { ...process.env, TINCAN_HOME: project.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        child.stdout.off('data', onData);
        child.stdout.on('data', (more: Buffer) => (output += more.toString()));
        const url = match[1];
        resolve({
          url,
          child,
          output: () => output,
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`tincan start exited with ${code} before serving:\n${output}`)),
    );
  });
}
