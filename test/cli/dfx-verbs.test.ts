/**
 * dfx's verbs that users script, through the real `tincan` subprocess against `tincan start`:
 * canister create / install --mode / uninstall-code / deposit-cycles / update-settings /
 * snapshot create|list|load|delete, ledger fabricate-cycles, raw and `--candid` calls,
 * `--output json|raw`, and identity export|rename|remove.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { withReplica } from '../fixtures/with-replica.js';
import { ROOT, runNode } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const { project, host } = withReplica();

interface StatusJson {
  status: string;
  controllers: string[];
  module_hash: string | null;
  cycles: string;
  settings: { freezing_threshold: string };
}

async function statusOf(name: string): Promise<StatusJson> {
  const res = await project.run('canister', 'status', name, '--output', 'json', ...host());
  expect(res.code, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as StatusJson;
}

async function ok(...args: string[]): Promise<string> {
  const res = await project.run(...args, ...host());
  expect(res.code, `tincan ${args.join(' ')}: ${res.stderr}`).toBe(0);
  return res.stdout;
}

it('creates an empty canister, then installs and reinstalls code into it', async () => {
  expect(await ok('canister', 'create', 'counter')).toMatch(/^counter: created canister \S+-cai$/m);
  const empty = await statusOf('counter');
  expect(empty).toMatchObject({ status: 'Running', module_hash: null });

  expect(await ok('canister', 'install', 'counter')).toMatch(/counter: installed \S+-cai/);
  expect((await statusOf('counter')).module_hash).toMatch(/^0x[0-9a-f]{64}$/);
  expect(await ok('canister', 'call', 'counter', 'add', '(3 : nat)')).toBe('(3 : nat)\n');
  expect(await ok('canister', 'install', 'counter', '--mode', 'reinstall')).toMatch(
    /counter: reinstalled \S+-cai/,
  );
  expect(await ok('canister', 'call', 'counter', 'get')).toBe('(0 : nat)\n');
});

it('calls with raw bytes, with types from a --candid file, and prints json or raw', async () => {
  // DIDL, no types, one nat: 5.
  expect(
    await ok(
      'canister',
      'call',
      'counter',
      'add',
      '4449444c00017d05',
      '--type',
      'raw',
      '--output',
      'raw',
    ),
  ).toBe('4449444c00017d05\n');
  expect(await ok('canister', 'call', 'counter', 'get', '--output', 'json')).toBe('"5"\n');
  const did = path.join(project.dir, 'only-add.did');
  writeFileSync(did, 'service : { add : (nat) -> (nat) }\n');
  expect(await ok('canister', 'call', 'counter', 'add', '(2 : nat)', '--candid', did)).toBe(
    '(7 : nat)\n',
  );
});

it('tops up cycles with deposit-cycles and ledger fabricate-cycles', async () => {
  const before = BigInt((await statusOf('counter')).cycles);
  const deposited = /Deposited 1000000 cycles, updated balance: (\d+) cycles/.exec(
    await ok('canister', 'deposit-cycles', '1_000_000', 'counter'),
  );
  expect(deposited).not.toBeNull();
  const afterDeposit = BigInt(deposited?.[1] ?? '0');
  // Executions burn a little meanwhile, never a million.
  expect(afterDeposit > before).toBe(true);
  const fabricated = /Fabricated 1000000000000 cycles, updated balance: (\d+) cycles/.exec(
    await ok('ledger', 'fabricate-cycles', '--canister', 'counter', '--t', '1'),
  );
  expect(fabricated).not.toBeNull();
  expect(BigInt(fabricated?.[1] ?? '0') - afterDeposit > 999_000_000_000n).toBe(true);
});

it('updates settings: a second controller and the freezing threshold', async () => {
  expect((await project.run('identity', 'new', 'bob')).code).toBe(0);
  const bob = (await project.run('identity', 'get-principal', '--identity', 'bob')).stdout.trim();
  await ok(
    'canister',
    'update-settings',
    'counter',
    '--add-controller',
    bob,
    '--freezing-threshold',
    '86400',
  );
  const status = await statusOf('counter');
  expect(status.controllers).toContain(bob);
  expect(status.settings.freezing_threshold).toBe('86400');
  // bob is a controller now: he may stop and start it.
  expect(
    (await project.run('canister', 'stop', 'counter', '--identity', 'bob', ...host())).code,
  ).toBe(0);
  expect(
    (await project.run('canister', 'start', 'counter', '--identity', 'bob', ...host())).code,
  ).toBe(0);
});

it('takes, lists, loads and deletes a snapshot', async () => {
  const value = await ok('canister', 'call', 'counter', 'get');
  await ok('canister', 'stop', 'counter');
  const created = /Snapshot ID: ([0-9a-f]+)/.exec(
    await ok('canister', 'snapshot', 'create', 'counter'),
  );
  const id = created?.[1] ?? '';
  expect(id).not.toBe('');
  expect(await ok('canister', 'snapshot', 'list', 'counter')).toContain(`${id}:`);
  await ok('canister', 'start', 'counter');
  await ok('canister', 'call', 'counter', 'add', '(100 : nat)');
  await ok('canister', 'stop', 'counter');
  await ok('canister', 'snapshot', 'load', 'counter', id);
  await ok('canister', 'start', 'counter');
  expect(await ok('canister', 'call', 'counter', 'get')).toBe(value);
  await ok('canister', 'stop', 'counter');
  await ok('canister', 'snapshot', 'delete', 'counter', id);
  expect(await ok('canister', 'snapshot', 'list', 'counter')).toContain('No snapshots found');
  await ok('canister', 'start', 'counter');
});

it('uninstalls the code: calls fail, the canister stays', async () => {
  await ok('canister', 'uninstall-code', 'counter');
  expect((await statusOf('counter')).module_hash).toBeNull();
  const call = await project.run('canister', 'call', 'counter', 'get', ...host());
  expect(call.code).toBe(1);
  expect(call.stderr).toMatch(/^Error: /m);
});

it('verifies every certificate and query signature with TINCAN_VERIFY_CERTIFICATES=1', async () => {
  // The bundled CLI loads BLS and Ed25519 only for this; the calls must still succeed.
  const bin = path.join(ROOT, 'packages/cli/bin/tincan.js');
  const env = { TINCAN_HOME: project.home, TINCAN_VERIFY_CERTIFICATES: '1' };
  await ok('canister', 'install', 'counter', '--mode', 'install'); // its code was uninstalled above
  const update = await runNode(
    [bin, 'canister', 'call', 'counter', 'add', '(2 : nat)', ...host()],
    project.dir,
    env,
  );
  expect(update.stderr).toBe('');
  expect(update.stdout).toBe('(2 : nat)\n');
  const query = await runNode(
    [bin, 'canister', 'call', 'counter', 'get', '--query', ...host()],
    project.dir,
    env,
  );
  expect(query.stderr).toBe('');
  expect(query.stdout).toBe('(2 : nat)\n');
});

it('exports, renames and removes an identity', async () => {
  expect((await project.run('identity', 'new', 'carol')).code).toBe(0);
  const principal = (await project.run('identity', 'get-principal', '--identity', 'carol')).stdout;
  const exported = await project.run('identity', 'export', 'carol');
  expect(exported.stdout).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  expect((await project.run('identity', 'rename', 'carol', 'caroline')).code).toBe(0);
  expect((await project.run('identity', 'get-principal', '--identity', 'caroline')).stdout).toBe(
    principal,
  );
  expect((await project.run('identity', 'remove', 'caroline')).code).toBe(0);
  expect((await project.run('identity', 'list')).stdout).not.toContain('carol');
  // The exported PEM brings the same principal back.
  const pem = path.join(project.dir, 'carol.pem');
  writeFileSync(pem, exported.stdout);
  expect((await project.run('identity', 'import', 'carol', pem)).code).toBe(0);
  expect((await project.run('identity', 'get-principal', '--identity', 'carol')).stdout).toBe(
    principal,
  );
});
