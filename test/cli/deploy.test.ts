/**
 * `tincan deploy`, `canister id|status|stop|start|delete` and `generate`, all through the CLI
 * against a replica started by `tincan start`, with the management canister over HTTP.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { withReplica } from '../fixtures/with-replica.js';
import { ROOT, runNode } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const { project, replica, host, restart } = withReplica();

describe('tincan deploy', () => {
  it('bundles, writes the .did, creates and installs; ids go to .tincan/canister_ids.json', async () => {
    const res = await project.run('deploy', 'counter', ...host());
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('counter: wrote candid/counter.did');
    expect(res.stdout).toMatch(/counter: created canister \S+-cai/);
    expect(res.stdout).toMatch(/counter: installed \S+-cai/);
    const ids = JSON.parse(
      readFileSync(path.join(project.dir, '.tincan/canister_ids.json'), 'utf8'),
    ) as Record<string, Record<string, string>>;
    const id = ids[replica.url]?.['counter'];
    expect(id).toMatch(/-cai$/);
    expect(await project.run('canister', 'id', 'counter', ...host())).toMatchObject({
      code: 0,
      stdout: `${id}\n`,
    });
    expect(readFileSync(path.join(project.dir, 'candid/counter.did'), 'utf8')).toContain(
      'add : (nat) -> (nat);',
    );
  });

  it('uses init_arg from dfx.json or --argument, and says what the init takes when it is wrong', async () => {
    const wrong = await project.run('deploy', 'hotel', '--argument', '("one")', ...host());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(
      `Its init takes (nat): pass --argument '(…)' or set "init_arg" in dfx.json`,
    );
    expect((await project.run('deploy', 'hotel', ...host())).code).toBe(0);
  });

  it('deploys dependencies first and gives the dependent canister their ids as CANISTER_ID_<NAME>', async () => {
    // agency depends on hotel (dfx.json "dependencies"); its init reads process.env.CANISTER_ID_HOTEL.
    const agency = await project.run('deploy', 'agency', ...host());
    expect(agency.stderr).toBe('');
    expect(agency.code).toBe(0);
    expect(agency.stdout.indexOf('hotel: module unchanged, not reinstalled')).toBeLessThan(
      agency.stdout.indexOf('agency: installing'),
    );
    // An inter-canister call: the agency reserves at the hotel whose id it was bundled with.
    const trip = await project.run(
      'canister',
      'call',
      'agency',
      'reserve_trip',
      '("Lisbon", "2030-05-01")',
      ...host(),
    );
    expect(trip).toMatchObject({ code: 0 });
    expect(trip.stdout).toMatch(/^\(variant \{ Ok = "/);
    expect(
      await project.run('canister', 'call', 'hotel', 'booked', '("2030-05-01")', ...host()),
    ).toMatchObject({ stdout: '(1 : nat)\n' });
  });

  it('shows a canister log with `canister logs`, traps included, to its controller only', async () => {
    const trapped = await project.run(
      'canister',
      'call',
      'hotel',
      'reserve',
      '("trap")',
      ...host(),
    );
    expect(trapped.code).toBe(1);
    const logs = await project.run('canister', 'logs', 'hotel', ...host());
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/\[trap\].*hotel cannot handle the date 'trap'/);
    expect((await project.run('identity', 'new', 'outsider')).code).toBe(0);
    const refused = await project.run(
      'canister',
      'logs',
      'hotel',
      '--identity',
      'outsider',
      ...host(),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/IC0512|controller/);
  });

  it('upgrades a canister that has code: stable maps survive, heap fields start fresh', async () => {
    const me = (await project.run('identity', 'get-principal')).stdout.trim();
    expect(
      (await project.run('canister', 'call', 'counter', 'add', '(4 : nat)', ...host())).stdout,
    ).toBe('(4 : nat)\n');
    const res = await project.run('deploy', 'counter', '--mode', 'upgrade', ...host());
    expect(res.stdout).toMatch(/counter: upgraded \S+-cai/);
    expect(res.stdout).not.toContain('created');
    expect(
      (
        await project.run(
          'canister',
          'call',
          'counter',
          'totalOf',
          `(principal "${me}")`,
          ...host(),
        )
      ).stdout,
    ).toBe('(4 : nat)\n');
  });

  it('refuses an unknown canister name', async () => {
    const unknown = await project.run('deploy', 'nope', ...host());
    expect(unknown).toMatchObject({
      code: 1,
      stderr: `Error: dfx.json has no canister 'nope' (it has: counter, hotel, agency)\n`,
    });
    const id = await project.run('canister', 'id', 'nope', ...host());
    expect(id.code).toBe(1);
  });
});

describe('tincan canister status|stop|start|delete', () => {
  it('walks the lifecycle; only controllers may manage a canister', async () => {
    const me = (await project.run('identity', 'get-principal')).stdout.trim();
    const status = await project.run('canister', 'status', 'hotel', ...host());
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('Status: Running');
    expect(status.stdout).toContain(`Controllers: ${me}`);
    expect(status.stdout).toMatch(/Module hash: 0x[0-9a-f]{64}/);

    expect((await project.run('identity', 'new', 'eve')).code).toBe(0);
    const foreign = await project.run('canister', 'stop', 'hotel', '--identity', 'eve', ...host());
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/stop_canister of hotel was rejected: reject code \d/);

    const running = await project.run('canister', 'delete', 'hotel', ...host());
    expect(running.code).toBe(1);
    expect(running.stderr).toContain('delete_canister of hotel was rejected');

    expect(await project.run('canister', 'stop', 'hotel', ...host())).toMatchObject({ code: 0 });
    expect((await project.run('canister', 'status', 'hotel', ...host())).stdout).toContain(
      'Status: Stopped',
    );
    const call = await project.run('canister', 'call', 'hotel', 'booked', '("x")', ...host());
    expect(call.code).toBe(1);
    expect(call.stderr).toContain('error code IC0508');
    expect(await project.run('canister', 'start', 'hotel', ...host())).toMatchObject({ code: 0 });
    expect(
      await project.run('canister', 'call', 'hotel', 'booked', '("x")', ...host()),
    ).toMatchObject({ code: 0, stdout: '(0 : nat)\n' });

    expect((await project.run('canister', 'stop', 'hotel', ...host())).code).toBe(0);
    expect(await project.run('canister', 'delete', 'hotel', ...host())).toMatchObject({ code: 0 });
    expect((await project.run('canister', 'id', 'hotel', ...host())).code).toBe(1);
  });
});

describe('tincan generate', () => {
  it(`writes dfx generate's files, which a plain node ESM script imports and calls with`, async () => {
    const res = await project.run('generate', 'counter', ...host());
    expect(res).toMatchObject({ code: 0 });
    const dir = path.join(project.dir, 'src/declarations/counter');
    expect(res.stdout).toBe(`wrote ${dir}\n`);
    for (const file of [
      'index.js',
      'index.d.ts',
      'counter.did',
      'counter.did.js',
      'counter.did.d.ts',
    ])
      expect(existsSync(path.join(dir, file))).toBe(true);
    expect(readFileSync(path.join(dir, 'counter.did.js'), 'utf8')).toContain(
      'export const idlFactory',
    );
    // The generated index.js imports @dfinity/agent, as dfx's does: the project resolves it from its node_modules.
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(project.dir, 'node_modules'));
    writeFileSync(
      path.join(project.dir, 'call.mjs'),
      [
        `import { canisterId, createActor } from './src/declarations/counter/index.js';`,
        `const counter = createActor(canisterId, { agentOptions: { host: process.argv[2] } });`,
        `console.log(String(await counter.add(2n)), String(await counter.get()));`,
      ].join('\n'),
    );
    const before = BigInt(
      (
        await project.run('canister', 'call', 'counter', 'get', '--output', 'json', ...host())
      ).stdout
        .trim()
        .replace(/"/g, ''),
    );
    const script = await runNode(['call.mjs', replica.url], project.dir);
    expect(script).toMatchObject({ code: 0, stdout: `${before + 2n} ${before + 2n}\n` });
    const missing = await project.run('generate', 'hotel-x');
    expect(missing.code).toBe(1);
  });
});

describe('restart', () => {
  it('keeps canisters and state on the same state dir; --clean starts empty and deploy creates anew', async () => {
    const before = await project.run('canister', 'call', 'agency', 'trips', ...host());
    const counterId = (await project.run('canister', 'id', 'counter', ...host())).stdout.trim();
    const port = Number(new URL(replica.url).port);
    expect(await replica.stop()).toBe(0);
    await restart({ port });
    expect(await project.run('canister', 'call', 'agency', 'trips', ...host())).toMatchObject({
      code: 0,
      stdout: before.stdout,
    });
    expect(
      (await project.run('deploy', 'counter', '--mode', 'upgrade', ...host())).stdout,
    ).toContain('upgraded');

    expect(await replica.stop()).toBe(0);
    await restart({ port, extra: ['--clean'] });
    const gone = await project.run('canister', 'call', 'counter', 'get', ...host());
    expect(gone.code).toBe(1);
    const again = await project.run('deploy', 'counter', ...host());
    expect(again.stdout).toContain('created canister');
    expect(again.stdout).toContain(counterId); // a fresh replica hands out the same first id
  });
});
