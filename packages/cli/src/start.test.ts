import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startReplica, type RunningReplica } from './start.js';

let dir: string | undefined;
let running: RunningReplica | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

it('lists the timers a restart dropped, in its recovery lines and in the canister log lines it prints', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-start-'));
  const options = { port: 0, host: '127.0.0.1', stateDir: dir, clean: false };
  running = await startReplica(options);
  expect(running.recovery).toEqual([]);
  // The fixture's @init sets a one-shot timer 100 s ahead.
  const { id } = await running.replica.deploy('test/fixtures/timers.ts');
  await running.close();
  const printed: string[] = [];
  running = await startReplica({ ...options, onLog: (line) => printed.push(line) });
  expect(running.recovery).toHaveLength(1);
  expect(running.recovery[0]).toMatch(
    new RegExp(
      `^restart: dropped timer 1 \\(one-shot, next due at \\d{4}-.*\\) of canister ${id.toText()}$`,
    ),
  );
  expect(printed).toContainEqual(
    expect.stringMatching(
      new RegExp(
        `^\\[${id.toText()}\\] \\[restart\\] timer 1 .* was dropped: timers do not survive a restart`,
      ),
    ),
  );
  await running.close();
  running = await startReplica(options);
  expect(running.recovery).toEqual([]);
});

it('serves the dashboard at /_/ with traces of what ran, and redirects / there', async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-start-'));
  running = await startReplica({
    port: 0,
    host: '127.0.0.1',
    stateDir: dir,
    clean: false,
    traceLimit: 50,
  });
  const root = await fetch(`${running.url}/`, { redirect: 'manual' });
  expect(root.status).toBe(302);
  expect(root.headers.get('location')).toBe('/_/');
  const page = await fetch(`${running.url}/_/`);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await page.text()).toContain('<script type="module" src="/_/app.js">');
  const { id } = await running.replica.deploy('test/fixtures/trace-bank.ts');
  await running.replica.actor<{ deposit(n: bigint): Promise<bigint> }>(id).deposit(7n);
  const canisters = (await (await fetch(`${running.url}/_/api/canisters`)).json()) as Array<{
    id: string;
    status: string;
  }>;
  expect(canisters).toEqual([expect.objectContaining({ id: id.toText(), status: 'running' })]);
  const executions = (await (
    await fetch(`${running.url}/_/api/executions?canister=${id.toText()}&method=deposit`)
  ).json()) as Array<{ stableWrites: number }>;
  expect(executions).toEqual([expect.objectContaining({ stableWrites: 1, outcome: 'committed' })]);
  const [tree] = (await (
    await fetch(`${running.url}/_/api/trees?canister=${id.toText()}`)
  ).json()) as Array<{ tree: string }>;
  const detail = (await (
    await fetch(`${running.url}/_/api/trees/${tree?.tree ?? ''}`)
  ).json()) as Array<{ argText: string; replyText: string }>;
  expect(detail).toEqual([
    expect.objectContaining({ argText: '(7 : nat)', replyText: '(7 : nat)' }),
  ]);
  // The IC's endpoints still answer beside it.
  expect((await fetch(`${running.url}/api/v2/status`)).status).toBe(200);
});
