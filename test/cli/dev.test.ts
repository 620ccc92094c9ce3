/**
 * `tincan dev`: after a save, the new code answers through an unmodified agent (the bar is
 * 3 s from the write; the test polls with a generous timeout and asserts behaviour, not time),
 * one line is printed per redeploy, and a bundling error leaves the old code serving.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';
import { Actor, HttpAgent } from '@dfinity/agent';
import type { IDL } from '@dfinity/candid';
import { withReplica } from '../fixtures/with-replica.js';
import { ROOT } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let stopDev: (() => Promise<unknown>) | undefined;

const source = (answer: string): string =>
  `import { IDL, query } from 'azle';\nexport default class {\n  @query([], IDL.Text)\n  hello(): string {\n    return ${answer};\n  }\n}\n`;

const { project, replica } = withReplica({
  prepare: (project) => {
    const dir = path.join(project.dir, 'src', 'greeter');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.ts'), source(`'v1'`));
    writeFileSync(
      path.join(project.dir, 'dfx.json'),
      JSON.stringify({ canisters: { greeter: { type: 'azle', main: 'src/greeter/index.ts' } } }),
    );
  },
});

// Registered after the fixture, so it runs before the replica stops.
afterAll(async () => {
  await stopDev?.();
});

it('upgrades the canister on save; a bundling error keeps the old code', async () => {
  const dev = spawn(
    process.execPath,
    [path.join(ROOT, 'packages/cli/bin/tincan.js'), 'dev', '--host', replica.url],
    {
      cwd: project.dir,
      env: { ...process.env, TINCAN_HOME: project.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<number | null>((resolve) => dev.on('exit', resolve));
  stopDev = () => (dev.kill('SIGINT'), exited);
  let output = '';
  dev.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  dev.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const until = async (what: () => Promise<boolean> | boolean, label: string): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!(await what())) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${label}; dev printed:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await until(() => output.includes('watching'), 'the first deploy');
  expect(output).toMatch(/greeter: installed in \d+ ms \(start\)/);

  const id =
    /"greeter": "([^"]+)"/.exec(
      (await import('node:fs')).readFileSync(
        path.join(project.dir, '.tincan/canister_ids.json'),
        'utf8',
      ),
    )?.[1] ?? '';
  const agent = await HttpAgent.create({ host: replica.url, shouldFetchRootKey: true });
  const idl: IDL.InterfaceFactory = ({ IDL }) =>
    IDL.Service({ hello: IDL.Func([], [IDL.Text], ['query']) });
  const greeter = Actor.createActor<{ hello(): Promise<string> }>(idl, { agent, canisterId: id });
  expect(await greeter.hello()).toBe('v1');

  const file = path.join(project.dir, 'src', 'greeter', 'index.ts');
  writeFileSync(file, source(`'v2'`));
  await until(async () => (await greeter.hello()) === 'v2', 'v2 through the agent');
  await until(
    () => /greeter: upgraded in \d+ ms \(src\/greeter\/index\.ts changed\)/.test(output),
    'the redeploy line',
  );

  writeFileSync(file, source(`'v3' +`)); // a syntax error: bundling fails
  await until(
    () => output.includes('greeter: not redeployed, it keeps its running code'),
    'the bundling error',
  );
  expect(await greeter.hello()).toBe('v2');

  expect(await stopDev()).toBe(0);
  stopDev = undefined;
});
