/**
 * `tincan start` with a canister stuck in `for (;;) await null` (a microtask loop the meter does not see): SIGTERM
 * still stops the replica, once the backstop has freed the event loop. The replica runs as the
 * real CLI subprocess, with the `--time-limit-ms` flag.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Actor, HttpAgent } from '@dfinity/agent';
import { Principal } from '@dfinity/principal';
import { ROOT, createProject, startReplica, type CliProject } from '../cli/harness.js';

let project: CliProject | undefined;

afterEach(() => project?.dispose());

it('SIGTERM while a canister is blocked: tincan start exits within the backstop limit', async () => {
  project = createProject();
  writeFileSync(
    path.join(project.dir, 'dfx.json'),
    JSON.stringify({
      canisters: {
        hostile: {
          type: 'azle',
          main: path.join(ROOT, 'test/fixtures/hostile.ts'),
          candid: 'candid/hostile.did',
        },
      },
    }),
  );
  const replica = await startReplica(project, {
    extra: ['--time-limit-ms', '1000', '--query-time-limit-ms', '300'],
  });
  try {
    const deployed = await project.run('deploy', 'hostile', '--host', replica.url);
    expect(deployed.code, deployed.stderr).toBe(0);
    const id = (
      await project.run('canister', 'id', 'hostile', '--host', replica.url)
    ).stdout.trim();
    const agent = await HttpAgent.create({ host: replica.url, shouldFetchRootKey: true });
    const hostile = Actor.createActor<{ awaitNullForever(): Promise<bigint> }>(
      ({ IDL }) => IDL.Service({ awaitNullForever: IDL.Func([], [IDL.Nat], []) }),
      {
        agent,
        canisterId: Principal.fromText(id),
      },
    );
    // Not awaited: the replica is blocked while it runs. It ends in a reject or a closed connection.
    const blocked = hostile.awaitNullForever().catch((err: unknown) => err);
    // Give the request time to reach the replica and start executing.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const start = performance.now();
    const code = await replica.stop();
    const exitMs = performance.now() - start;
    expect(code).toBe(0);
    expect(replica.output()).toContain('SIGTERM: stopping the replica');
    // The call was running when the signal came: the backstop trapped it (in the canister's log).
    expect(replica.output()).toContain('execution timed out after 1000 ms');
    // The backstop frees the loop after 1 s of CPU or 2 s of wall time; generous for a busy machine.
    expect(exitMs).toBeLessThan(2_000 + 15_000);
    await blocked;
  } finally {
    if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
  }
});
