/**
 * `tincan canister call` runs its own CommonJS build of the CLI with V8's code cache
 * (packages/cli/bin/tincan.js). These tests run a copy of the bin and of that build in a temp
 * install, so the cache they watch is theirs: written after a call that worked (not after help
 * or a failure), used as is by later calls, and replaced when V8 refuses it.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Replica } from '@tincan/replica';
import { CanisterIds } from '@tincan/cli';
import {
  createProject,
  ROOT,
  runNode,
  startReplica,
  type CliProject,
  type CliResult,
  type StartedReplica,
} from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let project: CliProject;
let replica: StartedReplica;
let install: string;
let bin: string;
let cache: string;

beforeAll(async () => {
  project = createProject();
  const seed = await Replica.create({ stateDir: path.join(project.stateDir, 'replica') });
  const counter = (
    await seed.deploy(path.join(ROOT, 'canisters/counter/src/index.ts'))
  ).id.toText();
  await seed.close();
  replica = await startReplica(project);
  new CanisterIds(project.dir).set(replica.url, 'counter', counter);

  // The bin and the call build, laid out as in the package.
  install = mkdtempSync(path.join(os.tmpdir(), 'tincan-call-cache-'));
  const built = path.join(ROOT, 'packages/cli/dist/bundle/call');
  const bundle = readdirSync(built).find((name) => /^call-[A-Z0-9]+\.cjs$/.test(name));
  if (bundle === undefined) throw new Error(`no call bundle in ${built}; run npx turbo run build`);
  mkdirSync(path.join(install, 'bin'));
  mkdirSync(path.join(install, 'dist/bundle/call'), { recursive: true });
  bin = path.join(install, 'bin/tincan.js');
  copyFileSync(path.join(ROOT, 'packages/cli/bin/tincan.js'), bin);
  copyFileSync(path.join(built, bundle), path.join(install, 'dist/bundle/call', bundle));
  writeFileSync(path.join(install, 'package.json'), JSON.stringify({ type: 'module' }));
  cache = path.join(install, 'dist/bundle/call', `${bundle}.cache`);
});

afterAll(async () => {
  await replica?.stop();
  project?.dispose();
  if (install !== undefined) rmSync(install, { recursive: true, force: true });
});

const call = (...args: string[]): Promise<CliResult> =>
  runNode([bin, 'canister', 'call', 'counter', ...args, '--host', replica.url], project.dir, {
    TINCAN_HOME: project.home,
  });

describe('canister call with the code cache', () => {
  it('writes no cache after help or a failed call, one after a call that worked, and later calls use it', async () => {
    expect(await runNode([bin, 'canister', 'call', '--help'], project.dir)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('Usage: tincan canister call') as unknown,
    });
    expect(existsSync(cache)).toBe(false);

    const failed = await call('nope');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^Error: canister counter has no method 'nope'/);
    expect(existsSync(cache)).toBe(false);

    expect(await call('add', '(2 : nat)')).toMatchObject({ code: 0, stdout: '(2 : nat)\n' });
    expect(statSync(cache).size).toBeGreaterThan(10_000);
    const written = statSync(cache);

    // A cache V8 accepts is left as it is (a refused one would be written again, as a new file).
    expect(await call('add', '(3 : nat)')).toMatchObject({ code: 0, stdout: '(5 : nat)\n' });
    expect(await call('get', '--output', 'json')).toMatchObject({ code: 0, stdout: '"5"\n' });
    const after = statSync(cache);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([
      written.ino,
      written.mtimeMs,
      written.size,
    ]);
  });

  it('replaces a cache that V8 refuses, and the call still answers', async () => {
    const garbage = Buffer.alloc(4096, 0x5a);
    writeFileSync(cache, garbage);
    expect(await call('get')).toMatchObject({ code: 0, stdout: '(5 : nat)\n' });
    const replaced = readFileSync(cache);
    expect(replaced.equals(garbage)).toBe(false);
    expect(replaced.length).toBeGreaterThan(10_000);
    expect(await call('add', '(1 : nat)')).toMatchObject({ code: 0, stdout: '(6 : nat)\n' });
  });
});
