/**
 * `tincan deploy` and `tincan canister create` onto a subnet other than 0, through the CLI
 * against `tincan start --subnets 2`: `--subnet <index|principal>`, `--next-to`,
 * `--specified-id`, and dfx.json's `specified_id` and `tincan.subnet`; then the unmodified agent
 * calls the canister on subnet 1, verifying its certificates against the root key.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Actor, HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { canisterIdOnSubnet, subnetOfId } from '@tincan/replica';
import { withReplica } from '../fixtures/with-replica.js';
import { ROOT, type CliProject } from './harness.js';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const COUNTER = path.join(ROOT, 'canisters/counter/src/index.ts');
/** An id of subnet 1's range that nothing allocates on its own (the 500th). */
const SPECIFIED = Principal.fromUint8Array(canisterIdOnSubnet(1, 500)).toText();

function prepare(project: CliProject): void {
  const file = path.join(project.dir, 'dfx.json');
  const dfx = JSON.parse(readFileSync(file, 'utf8')) as { canisters: Record<string, unknown> };
  dfx.canisters['far'] = { type: 'azle', main: COUNTER, tincan: { subnet: 1 } };
  dfx.canisters['pinned'] = { type: 'azle', main: COUNTER, specified_id: SPECIFIED };
  dfx.canisters['near'] = { type: 'azle', main: COUNTER };
  dfx.canisters['byid'] = { type: 'azle', main: COUNTER };
  dfx.canisters['bad'] = { type: 'azle', main: COUNTER };
  writeFileSync(file, JSON.stringify(dfx, null, 2));
}

const { project, replica, host } = withReplica({ startArgs: ['--subnets', '2'], prepare });

function recordedId(name: string): string {
  const ids = JSON.parse(
    readFileSync(path.join(project.dir, '.tincan/canister_ids.json'), 'utf8'),
  ) as Record<string, Record<string, string>>;
  const id = ids[replica.url]?.[name];
  if (id === undefined) throw new Error(`no id recorded for ${name}`);
  return id;
}

function subnetOf(id: string): number | undefined {
  return subnetOfId(Principal.fromText(id).toUint8Array(), 2);
}

/** The subnet principal `tincan start` printed for subnet `index`. */
function subnetPrincipal(index: number): string {
  const match = new RegExp(`subnet ${index}: (\\S+),`).exec(replica.output());
  if (match?.[1] === undefined) throw new Error(`tincan start did not print subnet ${index}`);
  return match[1];
}

describe('deploying onto subnet 1 of a two-subnet replica', () => {
  it('deploy --subnet 1 creates and installs there; the unmodified agent calls it with full verification', async () => {
    const res = await project.run('deploy', 'counter', '--subnet', '1', ...host());
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`on subnet ${subnetPrincipal(1)}`);
    const id = recordedId('counter');
    expect(subnetOf(id)).toBe(1);
    // Through the CLI, then through an agent that verifies every certificate's delegation.
    expect(
      await project.run('canister', 'call', 'counter', 'add', '(4 : nat)', ...host()),
    ).toMatchObject({ code: 0, stdout: '(4 : nat)\n' });
    const agent = await HttpAgent.create({ host: replica.url, shouldFetchRootKey: true });
    const counter = Actor.createActor<{ add(n: bigint): Promise<bigint>; get(): Promise<bigint> }>(
      ({ IDL: I }) =>
        I.Service({ add: I.Func([I.Nat], [I.Nat], []), get: I.Func([], [I.Nat], ['query']) }),
      { agent, canisterId: id },
    );
    expect(await counter.add(3n)).toBe(7n);
    expect(await counter.get()).toBe(7n);
    // A redeploy finds the canister on subnet 1 and keeps it.
    const again = await project.run('deploy', 'counter', ...host());
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`counter: module unchanged, not reinstalled (${id})`);
  });

  it("dfx.json's tincan.subnet and specified_id place a canister; the subnet principal works as --subnet", async () => {
    const far = await project.run('deploy', 'far', ...host());
    expect(far.stderr).toBe('');
    expect(subnetOf(recordedId('far'))).toBe(1);
    const pinned = await project.run('deploy', 'pinned', ...host());
    expect(pinned.stderr).toBe('');
    expect(recordedId('pinned')).toBe(SPECIFIED);
    const byPrincipal = await project.run(
      'canister',
      'create',
      'hotel',
      '--subnet',
      subnetPrincipal(1),
      ...host(),
    );
    expect(byPrincipal.stderr).toBe('');
    expect(subnetOf(recordedId('hotel'))).toBe(1);
    const onZero = await project.run('canister', 'create', 'agency', '--subnet', '0', ...host());
    expect(onZero.code).toBe(0);
    expect(subnetOf(recordedId('agency'))).toBe(0);
  });

  it('canister create --next-to joins the neighbour; --specified-id takes the exact id', async () => {
    const near = await project.run('canister', 'create', 'near', '--next-to', 'counter', ...host());
    expect(near.stderr).toBe('');
    expect(subnetOf(recordedId('near'))).toBe(1);
    const wanted = Principal.fromUint8Array(canisterIdOnSubnet(1, 600)).toText();
    const byId = await project.run(
      'canister',
      'create',
      'byid',
      '--specified-id',
      wanted,
      ...host(),
    );
    expect(byId.stderr).toBe('');
    expect(recordedId('byid')).toBe(wanted);
    const installed = await project.run('deploy', 'byid', ...host());
    expect(installed.code).toBe(0);
    expect(installed.stdout).toContain(`byid: installed ${wanted}`);
  });

  it('refuses a subnet the replica does not have, and two placements at once, creating nothing', async () => {
    const missing = await project.run('deploy', 'bad', '--subnet', '5', ...host());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `--subnet 5: the replica has no subnet 5 (start it with 'tincan start --subnets 6')`,
    );
    const both = await project.run(
      'canister',
      'create',
      'bad',
      '--subnet',
      '1',
      '--next-to',
      'counter',
      ...host(),
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('give one of subnet, next-to, not several');
    const unknown = await project.run('deploy', 'bad', '--subnet', 'aaaaa-aa', ...host());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('--subnet aaaaa-aa: the replica has no subnet with that id');
    const ids = JSON.parse(
      readFileSync(path.join(project.dir, '.tincan/canister_ids.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    expect(ids[replica.url]?.['bad']).toBeUndefined();
  });
});
