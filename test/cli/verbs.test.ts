/**
 * dfx's management verbs through the CLI against `tincan start`: create, install --mode,
 * uninstall-code, deposit-cycles, ledger fabricate-cycles, update-settings, snapshots,
 * status --output json, and calls with --output raw, --type raw and --candid.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createProject, startReplica, type CliProject, type StartedReplica } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let project: CliProject;
let replica: StartedReplica;
const run = (...args: string[]): ReturnType<CliProject['run']> => project.run(...args, '--host', replica.url);
const cycles = async (): Promise<bigint> => BigInt((JSON.parse((await run('canister', 'status', 'counter', '--output', 'json')).stdout) as { cycles: string }).cycles);

beforeAll(async () => {
  project = createProject();
  replica = await startReplica(project);
});

afterAll(async () => {
  await replica?.stop();
  project?.dispose();
});

it('create, install --mode, uninstall-code and cycles', async () => {
  const created = await run('canister', 'create', 'counter');
  expect(created.code).toBe(0);
  expect(created.stdout).toMatch(/^counter +\S+-cai\n$/);
  const empty = JSON.parse((await run('canister', 'status', 'counter', '--output', 'json')).stdout) as { module_hash: unknown; status: string };
  expect(empty).toMatchObject({ module_hash: null, status: 'Running' });

  expect((await run('canister', 'install', 'counter', '--mode', 'upgrade')).stderr).toContain('has no code to upgrade; use --mode install');
  expect((await run('canister', 'install', 'counter')).code).toBe(0);
  expect((await run('canister', 'call', 'counter', 'add', '(3 : nat)')).stdout).toBe('(3 : nat)\n');
  expect((await run('canister', 'install', 'counter', '--mode', 'install')).stderr).toContain('already has code; use --mode upgrade');
  expect((await run('canister', 'install', 'counter', '--mode', 'reinstall')).stdout).toContain('counter: reinstalled');
  expect((await run('canister', 'call', 'counter', 'get')).stdout).toBe('(0 : nat)\n'); // reinstall wipes state

  const before = await cycles();
  const deposit = await run('canister', 'deposit-cycles', '1_000_000_000', 'counter');
  expect(deposit.stdout).toMatch(/^Deposited 1000000000 cycles, updated balance: \d+ cycles\n$/);
  expect(await cycles()).toBeGreaterThan(before + 900_000_000n);
  const fabricated = await run('ledger', 'fabricate-cycles', '--canister', 'counter', '--t', '2');
  expect(fabricated.stdout).toContain('Fabricated 2000000000000 cycles');
  expect(await cycles()).toBeGreaterThan(before + 1_900_000_000_000n);

  expect((await run('canister', 'uninstall-code', 'counter')).code).toBe(0);
  expect(JSON.parse((await run('canister', 'status', 'counter', '--output', 'json')).stdout)).toMatchObject({ module_hash: null });
  expect((await run('canister', 'call', 'counter', 'get')).code).toBe(1);
});

it('update-settings and snapshots', async () => {
  expect((await run('deploy', 'counter')).code).toBe(0);
  expect((await run('identity', 'new', 'carol')).code).toBe(0);
  const carol = (await project.run('identity', 'get-principal', '--identity', 'carol')).stdout.trim();
  expect((await run('canister', 'update-settings', 'counter', '--add-controller', carol, '--freezing-threshold', '86400')).code).toBe(0);
  const status = JSON.parse((await run('canister', 'status', 'counter', '--output', 'json')).stdout) as { controllers: string[]; settings: { freezing_threshold: string } };
  expect(status.controllers).toContain(carol);
  expect(status.settings.freezing_threshold).toBe('86400');
  expect((await run('canister', 'status', 'counter', '--identity', 'carol')).code).toBe(0); // carol controls it now
  expect((await run('canister', 'update-settings', 'counter', '--remove-controller', carol)).code).toBe(0);
  expect((await run('canister', 'status', 'counter', '--identity', 'carol')).code).toBe(1);

  expect((await run('canister', 'call', 'counter', 'add', '(5 : nat)')).stdout).toBe('(5 : nat)\n');
  expect((await run('canister', 'stop', 'counter')).code).toBe(0);
  const taken = await run('canister', 'snapshot', 'create', 'counter');
  const id = /Snapshot ID: ([0-9a-f]+)/.exec(taken.stdout)?.[1] ?? '';
  expect(id).not.toBe('');
  expect((await run('canister', 'snapshot', 'list', 'counter')).stdout).toMatch(new RegExp(`^${id}: \\d+ bytes, taken at `));
  expect((await run('canister', 'start', 'counter')).code).toBe(0);
  expect((await run('canister', 'call', 'counter', 'add', '(1 : nat)')).stdout).toBe('(6 : nat)\n');
  expect((await run('canister', 'stop', 'counter')).code).toBe(0);
  expect((await run('canister', 'snapshot', 'load', 'counter', id)).code).toBe(0);
  expect((await run('canister', 'start', 'counter')).code).toBe(0);
  expect((await run('canister', 'call', 'counter', 'get')).stdout).toBe('(5 : nat)\n');
  expect((await run('canister', 'snapshot', 'delete', 'counter', id)).code).toBe(0);
  expect((await run('canister', 'snapshot', 'list', 'counter')).stdout).toBe('No snapshots found for canister counter.\n');
  expect((await run('canister', 'snapshot', 'load', 'counter', 'zz')).stderr).toMatch(/^Error: snapshot id 'zz' is not hex/);
});

it('--output raw, --type raw and --candid', async () => {
  const raw = await run('canister', 'call', 'counter', 'get', '--output', 'raw');
  expect(raw.stdout).toMatch(/^4449444c00017d[0-9a-f]+\n$/);
  expect(await run('canister', 'call', 'counter', 'get', '4449444c0000', '--type', 'raw', '--output', 'raw')).toMatchObject({ code: 0, stdout: raw.stdout });
  // A method the interface does not list goes out raw and is answered by the canister itself.
  const hidden = await run('canister', 'call', 'counter', 'hidden', '4449444c0000', '--type', 'raw', '--output', 'raw');
  expect(hidden.code).toBe(1);
  expect(hidden.stderr).toMatch(/rejected: reject code \d .*hidden/);
  const did = path.join(project.dir, 'only-get.did');
  writeFileSync(did, 'service : { get : () -> (nat) query }\n');
  expect(await run('canister', 'call', 'counter', 'get', '--candid', did)).toMatchObject({ code: 0, stdout: '(5 : nat)\n' });
  expect((await run('canister', 'call', 'counter', 'add', '(1 : nat)', '--candid', did)).stderr).toContain(`has no method 'add' in its interface`);
});
