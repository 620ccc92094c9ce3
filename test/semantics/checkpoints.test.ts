import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { Replica } from '@tincan/replica';
import { useTestReplicas } from '@tincan/testing';
import type Counter from '../../canisters/counter/src/index.js';

// Replica checkpoints: fork a prepared state; forks never touch the original.
const replicas = useTestReplicas();
/** What else a test made (a checkpoint directory, an in-memory replica): undone after it. */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a fork starts from the checkpoint and diverges without touching the original', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-ckpt-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const original = await replicas.create();
  const counter = await original.replica.deploy('canisters/counter/src/index.ts');
  await original.replica.actor<Counter>(counter).add(5n);
  const file = path.join(dir, 'prepared.sqlite');
  await original.replica.checkpoint(file);

  const fork = await replicas.create({ fromCheckpoint: file });
  expect(await fork.replica.actor<Counter>(counter).get()).toBe(5n);
  expect(await fork.replica.actor<Counter>(counter).add(1n)).toBe(6n);
  // Would fail if the fork shared state with the original or wrote into the checkpoint.
  expect(await original.replica.actor<Counter>(counter).get()).toBe(5n);
  const second = await Replica.create({ fromCheckpoint: file }); // in memory
  cleanups.push(() => second.close());
  expect(await second.actor<Counter>(counter).get()).toBe(5n);
  // New canisters in a fork get the next ids, as they would have in the original.
  const next = await fork.replica.deploy('canisters/counter/src/index.ts');
  expect(next.id.toText()).not.toBe(counter.id.toText());
});

it('a fork with a broken canister still starts; calls to that canister get a clear reject', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-ckpt-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const original = await replicas.create();
  const good = await original.replica.deploy('canisters/counter/src/index.ts');
  const file = path.join(dir, 'prepared.sqlite');
  await original.replica.checkpoint(file);
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(file);
  // Modules are stored once per hash: corrupt the stored copy the canister names.
  db.prepare('UPDATE modules SET module = ?').run(Buffer.from('throw new Error("corrupt module")'));
  db.close();
  const fork = await replicas.create({ fromCheckpoint: file });
  const outcome = await fork.replica.query(
    good.id,
    'get',
    new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0, 0]),
  );
  expect('reject' in outcome && outcome.reject.code).toBe(5);
  expect('reject' in outcome && outcome.reject.message).toMatch(/corrupt module/);
});
