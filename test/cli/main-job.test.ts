/**
 * The README's main job (`npm start`): the replica comes up with the example canisters, and the
 * `canister call` line and the `@dfinity/agent` snippet it prints work as pasted.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { ROOT } from './harness.js';

const run = promisify(execFile);
let dir: string | undefined;
let stopJob: (() => Promise<unknown>) | undefined;

afterAll(async () => {
  await stopJob?.();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

it('starts the replica with the examples deployed and prints a call line and an agent snippet that work', async () => {
  // A copy of the repository's dfx.json with absolute entries, so the run writes its ids and
  // .did files into a temp project rather than into the repository.
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-main-'));
  const config = JSON.parse(readFileSync(path.join(ROOT, 'dfx.json'), 'utf8')) as {
    canisters: Record<string, { main: string }>;
  };
  for (const canister of Object.values(config.canisters))
    canister.main = path.join(ROOT, canister.main);
  writeFileSync(path.join(dir, 'dfx.json'), JSON.stringify(config));
  const env = { ...process.env, TINCAN_HOME: path.join(dir, 'home') };

  const job = spawn(
    process.execPath,
    [path.join(ROOT, 'packages/cli/dist/bin/main-job.js'), '--port', '0'],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => job.on('exit', resolve));
  stopJob = () => (job.kill('SIGINT'), exited);
  let output = '';
  job.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    job.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('for the next start.')) resolve();
    });
    void exited.then((code) => reject(new Error(`main job exited with ${code}:\n${output}`)));
  });
  expect(output).toMatch(
    /Ready: the replica at http:\/\/127\.0\.0\.1:\d+ serves counter, hotel, agency, agency_near, agency_dispatch, ledger, ledger_notify, ledger_buggy, guestbook, token and escrow/,
  );

  // The guestbook line's URL, through the gateway (`?canisterId=` since Node cannot resolve *.localhost).
  const [, guestbook, port] = /http:\/\/([a-z0-9-]+)\.localhost:(\d+)\//.exec(output) ?? [];
  const page = await fetch(`http://127.0.0.1:${port}/?canisterId=${guestbook}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<h1>Guestbook</h1>');

  const callLine = /npx tincan (canister call counter add .*)$/m.exec(output)?.[1];
  expect(callLine).toBeDefined();
  const args = [...(callLine ?? '').matchAll(/'[^']*'|\S+/g)].map(([word]) =>
    word.replace(/^'|'$/g, ''),
  );
  const call = await run(
    process.execPath,
    [path.join(ROOT, 'packages/cli/dist/bin/tincan.js'), ...args],
    { cwd: dir, env },
  );
  expect(call.stdout).toBe('(5 : nat)\n');

  const snippet = output
    .split('\n')
    .filter(
      (line) => line.startsWith('  ') && /import|const|console/.test(line) && !line.includes('npx'),
    )
    .join('\n');
  expect(snippet).toContain('HttpAgent.create');
  const script = await run(process.execPath, ['--input-type=module', '-e', snippet], {
    cwd: ROOT,
    env,
  });
  expect(script.stdout).toBe('10n 10n\n');

  expect(await stopJob()).toBe(0);
  stopJob = undefined;
});
