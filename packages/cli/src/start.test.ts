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
  expect(running.recovery[0]).toMatch(new RegExp(`^restart: dropped timer 1 \\(one-shot, next due at \\d{4}-.*\\) of canister ${id.toText()}$`));
  expect(printed).toContainEqual(expect.stringMatching(new RegExp(`^\\[${id.toText()}\\] \\[restart\\] timer 1 .* was dropped: timers do not survive a restart`)));
  await running.close();
  running = await startReplica(options);
  expect(running.recovery).toEqual([]);
});
