/**
 * The user's install path, end to end: `npm run pack`'s script packs this repository into one
 * tarball, a fresh project in a temp folder outside the repository installs it with
 * `npm i -D ./tincan-<version>.tgz` (plus typescript and vitest, from the npm registry), then
 * type-checks a canister that imports `azle` and `azle/canisters/*` with no paths entry, starts
 * a replica and deploys and calls the canister with the installed `tincan` bin, and runs a
 * vitest test that uses `tincan/testing`.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT, type CliResult } from '../cli/harness.js';

const INSTALL_TIMEOUT_MS = 20 * 60_000;
const dirs: string[] = [];
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];
afterAll(() => {
  for (const child of children) child.kill('SIGTERM');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The environment of a user's shell: nothing from the `npm test` or vitest running this test. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|INIT_CWD$|NODE_OPTIONS$|TINCAN_)/i.test(key)) env[key] = value;
  }
  return { ...env, TINCAN_HOME: home };
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const installed = (name: string): string =>
  (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  },
  include: ['src', 'test'],
};

const SUBPATH_USER = `import { IDL } from 'azle';
import { bitcoin_network, type canister_status_args } from 'azle/canisters/management/idl';
export const networkType: IDL.Type = bitcoin_network;
export type StatusArgs = canister_status_args;
`;

const HARNESS_TEST = `import { afterEach, expect, it } from 'vitest';
import { createTestReplica, identity, type TestReplica } from 'tincan/testing';
import type Counter from '../src/counter.js';

let t: TestReplica;
afterEach(() => t.dispose());

it('counts per caller through the installed harness', async () => {
  t = await createTestReplica();
  const canister = await t.replica.deploy('src/counter.ts');
  const counter = t.replica.actor<Counter>(canister, { identity: identity('alice') });
  expect(await counter.add(5n)).toBe(5n);
  expect(await counter.totalOf(identity('alice'))).toBe(5n);
}, 120_000); // a first deploy bundles the canister: far past vitest's 5 s default on a busy machine
`;

it(
  'packs, installs into a project outside the repository, type-checks, deploys and tests a canister',
  async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'tincan-pack-'));
    dirs.push(work);
    const home = path.join(work, 'home');
    mkdirSync(home);
    const env = userEnv(home);

    const packed = await run(
      process.execPath,
      [path.join(ROOT, 'scripts/pack.mjs'), '--out-dir', work],
      ROOT,
      env,
    );
    expect(packed.code, packed.stderr).toBe(0);
    const tarball = packed.stdout.trim();
    expect(path.basename(tarball)).toMatch(/^tincan-\d+\.\d+\.\d+\.tgz$/);

    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'src'), { recursive: true });
    mkdirSync(path.join(project, 'test'));
    copyFileSync(tarball, path.join(project, path.basename(tarball)));
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'my-canisters', version: '1.0.0', private: true, type: 'module' }),
    );
    writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(
      path.join(project, 'dfx.json'),
      JSON.stringify({ canisters: { counter: { type: 'azle', main: 'src/counter.ts' } } }),
    );
    copyFileSync(
      path.join(ROOT, 'canisters/counter/src/index.ts'),
      path.join(project, 'src/counter.ts'),
    );
    writeFileSync(path.join(project, 'src/uses-subpath.ts'), SUBPATH_USER);
    writeFileSync(path.join(project, 'test/counter.spec.ts'), HARNESS_TEST);

    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const install = await run(
      npm,
      [
        'i',
        '-D',
        `./${path.basename(tarball)}`,
        `typescript@${installed('typescript')}`,
        `vitest@${installed('vitest')}`,
        `@types/node@${installed('@types/node')}`,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
      ],
      project,
      env,
    );
    expect(install.code, install.stderr).toBe(0);
    // Installed from the tarball alone: nothing links back into this repository.
    const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies.tincan).toMatch(/^file:tincan-.*\.tgz$/);
    expect(readFileSync(path.join(project, 'package-lock.json'), 'utf8')).not.toContain(ROOT);

    // `azle` resolves for tsc (no paths entry) and for node.
    const tsc = await run(
      process.execPath,
      [path.join(project, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      project,
      env,
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);
    const imports =
      "const m = await import('azle'); const idl = await import('azle/canisters/management/idl'); const ext = await import('tincan/extensions'); console.log(typeof m.update, typeof m.StableBTreeMap, typeof idl.bitcoin_network, typeof ext.guard)";
    const azle = await run(process.execPath, ['--input-type=module', '-e', imports], project, env);
    expect(azle.stderr).toBe('');
    expect(azle.stdout.trim()).toBe('function function object function');

    // The installed bin: start a replica, deploy the project's dfx.json, call the canister.
    const bin = path.join(project, 'node_modules/.bin/tincan');
    expect(existsSync(bin)).toBe(true);
    const start = spawn(process.execPath, [bin, 'start', '--port', '0'], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(start);
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        const match = /running at (http:\/\/\S+)/.exec(output);
        if (match?.[1] !== undefined) resolve(match[1]);
      };
      start.stdout.on('data', onData);
      start.stderr.on('data', onData);
      start.on('exit', (code) => reject(new Error(`tincan start exited with ${code}:\n${output}`)));
    });
    const deploy = await run(process.execPath, [bin, 'deploy', '--host', url], project, env);
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stdout).toMatch(/counter: installed \S+-cai/);
    const call = await run(
      process.execPath,
      [bin, 'canister', 'call', 'counter', 'add', '(5 : nat)', '--host', url],
      project,
      env,
    );
    expect(call.stderr).toBe('');
    expect(call.stdout.trim()).toBe('(5 : nat)');

    // A vitest test in the project, on the installed harness.
    const vitest = await run(
      process.execPath,
      [path.join(project, 'node_modules/vitest/vitest.mjs'), 'run'],
      project,
      { ...env, CI: 'true' },
    );
    expect(vitest.code, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/1 passed/);
  },
  INSTALL_TIMEOUT_MS,
);
