/**
 * `tincan canister call|metadata` and `identity` against a replica started by `tincan start`.
 * The state directory is prepared in-process (counter and hotel deployed), so these tests run
 * the CLI's call path on its own; deploy.test.ts covers deploying through the CLI.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpAgent } from '@dfinity/agent';
import { Replica } from '@tincan/replica';
import { CanisterIds } from '@tincan/cli';
import { withReplica } from '../fixtures/with-replica.js';
import { ROOT } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let counter: string;
let hotel: string;

const { project, replica, restart } = withReplica({
  prepare: async (project) => {
    const seed = await Replica.create({ stateDir: path.join(project.stateDir, 'replica') });
    counter = (await seed.deploy(path.join(ROOT, 'canisters/counter/src/index.ts'))).id.toText();
    hotel = (
      await seed.deploy(path.join(ROOT, 'canisters/travel/hotel/src/index.ts'), { initArgs: [1n] })
    ).id.toText();
    await seed.close();
  },
});

beforeAll(() => {
  new CanisterIds(project.dir).set(replica.url, 'counter', counter);
});

describe('tincan canister call', () => {
  it('calls an update and a query, by name or id, and prints Candid', async () => {
    const add = await project.run(
      'canister',
      'call',
      'counter',
      'add',
      '(5 : nat)',
      '--host',
      replica.url,
    );
    expect(add).toMatchObject({ code: 0, stdout: '(5 : nat)\n' });
    const get = await project.run('canister', 'call', counter, 'get', '--host', replica.url);
    expect(get).toMatchObject({ code: 0, stdout: '(5 : nat)\n' });
  });

  it('prints JSON with --output json', async () => {
    const res = await project.run(
      'canister',
      'call',
      hotel,
      'reserve',
      '("2030-01-01")',
      '--output',
      'json',
      '--host',
      replica.url,
    );
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual(expect.stringContaining('2030-01-01')); // one value: printed bare, as dfx does
    const booked = await project.run(
      'canister',
      'call',
      hotel,
      'booked',
      '"2030-01-01"',
      '--output',
      'json',
      '--host',
      replica.url,
    );
    expect(JSON.parse(booked.stdout)).toBe('1');
  });

  it('prints a reject with its reject code, IC error code and message, and exits 1', async () => {
    const res = await project.run(
      'canister',
      'call',
      hotel,
      'reserve',
      '("trap")',
      '--host',
      replica.url,
    );
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(
      /reject code 5 \(CANISTER_ERROR\), error code IC0503: .*hotel cannot handle the date 'trap'/,
    );
  });

  it('--query sends a query (an update method has none: IC0536) and --update an update call', async () => {
    const before = await project.run('canister', 'call', counter, 'get', '--host', replica.url);
    const asQuery = await project.run(
      'canister',
      'call',
      counter,
      'increment',
      '--query',
      '--host',
      replica.url,
    );
    expect(asQuery.code).toBe(1);
    expect(asQuery.stderr).toContain(
      `error code IC0536: Error from Canister ${counter}: Canister has no query method 'increment'..`,
    );
    const asUpdate = await project.run(
      'canister',
      'call',
      counter,
      'get',
      '--update',
      '--host',
      replica.url,
    );
    expect(asUpdate).toMatchObject({ code: 0, stdout: before.stdout });
  });

  it('refuses bad arguments before calling, with what to do', async () => {
    const wrongType = await project.run(
      'canister',
      'call',
      counter,
      'add',
      '("five")',
      '--host',
      replica.url,
    );
    expect(wrongType.code).toBe(1);
    expect(wrongType.stderr).toMatch(/^Error: .*nat/);
    const noMethod = await project.run('canister', 'call', counter, 'nope', '--host', replica.url);
    expect(noMethod).toMatchObject({ code: 1 });
    expect(noMethod.stderr).toContain(
      `has no method 'nope' in its interface (its methods are: add, get, increment, totalOf); pass --candid <file>`,
    );
    const noCanister = await project.run('canister', 'call', 'ghost', 'get', '--host', replica.url);
    expect(noCanister.code).toBe(1);
    expect(noCanister.stderr).toContain(`no canister 'ghost' is deployed`);
    const missing = await project.run('canister', 'call', counter, '--host', replica.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `Error: missing argument <method> for 'tincan canister call'; see 'tincan canister call --help'\n`,
    );
    const both = await project.run(
      'canister',
      'call',
      counter,
      'get',
      '--query',
      '--update',
      '--host',
      replica.url,
    );
    expect(both).toMatchObject({ code: 1, stderr: 'Error: pass --query or --update, not both\n' });
  });

  it('says where no replica answers', async () => {
    const res = await project.run(
      'canister',
      'call',
      counter,
      'get',
      '--host',
      'http://127.0.0.1:9',
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot reach a replica at http:\/\/127\.0\.0\.1:9 .*tincan start/);
  });
});

describe('tincan canister metadata', () => {
  it('prints candid:service from certified read_state', async () => {
    const res = await project.run(
      'canister',
      'metadata',
      counter,
      'candid:service',
      '--host',
      replica.url,
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('totalOf : (principal) -> (nat) query;');
    const other = await project.run(
      'canister',
      'metadata',
      counter,
      'candid:args',
      '--host',
      replica.url,
    );
    expect(other.code).toBe(1);
  });
});

describe('tincan identity', () => {
  it('new, use and whoami change the caller the canister sees', async () => {
    expect(await project.run('identity', 'whoami')).toMatchObject({ code: 0, stdout: 'default\n' });
    expect((await project.run('identity', 'new', 'alice')).code).toBe(0);
    expect((await project.run('identity', 'new', 'alice')).stderr).toContain(
      `identity 'alice' already exists`,
    );
    expect((await project.run('identity', 'use', 'alice')).code).toBe(0);
    expect(await project.run('identity', 'whoami')).toMatchObject({ stdout: 'alice\n' });
    expect(await project.run('identity', 'list')).toMatchObject({ stdout: 'alice *\ndefault\n' });
    const alice = (await project.run('identity', 'get-principal')).stdout.trim();
    const fallback = await project.run('identity', 'get-principal', '--identity', 'default');
    expect(fallback.code).toBe(0);
    expect(fallback.stdout.trim()).not.toBe(alice);

    expect(
      (await project.run('canister', 'call', counter, 'add', '(7 : nat)', '--host', replica.url))
        .code,
    ).toBe(0);
    expect(
      (
        await project.run(
          'canister',
          'call',
          counter,
          'add',
          '(1 : nat)',
          '--identity',
          'default',
          '--host',
          replica.url,
        )
      ).code,
    ).toBe(0);
    const total = await project.run(
      'canister',
      'call',
      counter,
      'totalOf',
      `(principal "${alice}")`,
      '--host',
      replica.url,
    );
    expect(total).toMatchObject({ code: 0, stdout: '(7 : nat)\n' });

    const unknown = await project.run('identity', 'use', 'bob');
    expect(unknown).toMatchObject({
      code: 1,
      stderr: `Error: no identity named 'bob'; create it with 'tincan identity new bob' or see 'tincan identity list'\n`,
    });
    expect((await project.run('identity', 'use', 'default')).code).toBe(0);
  });
});

describe('tincan start', () => {
  it('restarts on the same state dir with the same canisters, state and root key', async () => {
    const rootKey = async (url: string): Promise<string> =>
      Buffer.from(
        (await HttpAgent.create({ host: url, shouldFetchRootKey: true })).rootKey ?? [],
      ).toString('hex');
    const before = await project.run('canister', 'call', counter, 'get', '--host', replica.url);
    const key = await rootKey(replica.url);
    const port = Number(new URL(replica.url).port);
    expect(await replica.stop()).toBe(0);
    expect(replica.output()).toContain('SIGTERM: stopping the replica');
    await restart({ port });
    expect(await rootKey(replica.url)).toBe(key);
    expect(
      await project.run('canister', 'call', 'counter', 'get', '--host', replica.url),
    ).toMatchObject({ code: 0, stdout: before.stdout });
  });

  it('refuses a port in use and a bad port, non-zero', async () => {
    const busy = await project.run(
      'start',
      '--port',
      new URL(replica.url).port,
      '--state-dir',
      path.join(project.dir, 'other'),
    );
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is in use');
    const bad = await project.run('start', '--port', 'eighty');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--port');
  });
});
