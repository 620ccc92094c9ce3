/**
 * The dashboard of a real `tincan start` subprocess: it lists the CLI's identities (from the
 * same TINCAN_HOME as `tincan identity`), its controls advance the replica a day ahead while
 * `tincan canister call` keeps working, the offset survives a restart, and a fork is a state
 * directory a second `tincan start` serves with the same canister and state.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Replica } from '@tincan/replica';
import { CanisterIds } from '@tincan/cli';
import {
  createProject,
  ROOT,
  startReplica,
  type CliProject,
  type StartedReplica,
} from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let project: CliProject;
let replica: StartedReplica | undefined;
let fork: StartedReplica | undefined;
let counter: string;

beforeAll(async () => {
  project = createProject();
  const seed = await Replica.create({ stateDir: path.join(project.stateDir, 'replica') });
  counter = (await seed.deploy(path.join(ROOT, 'canisters/counter/src/index.ts'))).id.toText();
  await seed.close();
});

afterAll(async () => {
  await replica?.stop();
  await fork?.stop();
  project?.dispose();
});

function post(url: string, control: string, body: unknown): Promise<Response> {
  return fetch(`${url}/_/api/replica/${control}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe("tincan start's dashboard controls and identities", () => {
  it('lists the CLI identities, moves time a day ahead with calls still working, and forks into a state directory another tincan start serves', async () => {
    expect((await project.run('identity', 'new', 'alice')).code).toBe(0);
    const alice = (
      await project.run('identity', 'get-principal', '--identity', 'alice')
    ).stdout.trim();
    replica = await startReplica(project);
    const url = replica.url;
    new CanisterIds(project.dir).set(url, 'counter', counter);

    const listed = (await (await fetch(`${url}/_/api/identities`)).json()) as {
      identities: Array<{ name: string; principal: string }>;
      current: string;
    };
    expect(listed.identities).toContainEqual({ name: 'alice', principal: alice });
    expect(listed.current).toBe('default');

    expect(
      (await project.run('canister', 'call', 'counter', 'add', '(2 : nat)', '--host', url)).stdout,
    ).toBe('(2 : nat)\n');
    const advanced = await post(url, 'advance-time', { seconds: 86_400 });
    expect(advanced.status).toBe(200);
    const info = (await (await fetch(`${url}/_/api/replica`)).json()) as {
      clock: string;
      offsetNs: string;
      stateDir: string;
    };
    expect(info).toMatchObject({
      clock: 'wall',
      offsetNs: '86400000000000',
      stateDir: project.stateDir,
    });
    // The CLI's agent keeps working a day after its own clock, and signs as alice.
    expect(
      (
        await project.run(
          'canister',
          'call',
          'counter',
          'add',
          '(3 : nat)',
          '--host',
          url,
          '--identity',
          'alice',
        )
      ).stdout,
    ).toBe('(5 : nat)\n');

    const forked = await post(url, 'fork', { name: 'experiment' });
    expect(forked.status).toBe(200);
    const forkDir = path.join(project.stateDir, 'forks', 'experiment');
    expect(((await forked.json()) as { path: string }).path).toBe(forkDir);

    // A restart keeps the offset: time does not go back.
    await replica.stop();
    replica = await startReplica(project);
    const again = (await (await fetch(`${replica.url}/_/api/replica`)).json()) as {
      offsetNs: string;
    };
    expect(again.offsetNs).toBe('86400000000000');

    // The fork, served by a second tincan start, has the counter at 5 and its own future.
    fork = await startReplica({ ...project, stateDir: forkDir });
    expect(
      (await project.run('canister', 'call', counter, 'add', '(10 : nat)', '--host', fork.url))
        .stdout,
    ).toBe('(15 : nat)\n');
    expect(
      (await project.run('canister', 'call', counter, 'get', '--host', replica.url)).stdout,
    ).toBe('(5 : nat)\n');
  });
});
