/**
 * Modules are stored once per module hash: many canisters of one module add one module row,
 * their registry rows hold none of its bytes, and after a restart each loads its code from
 * that one row. Upgrading the last canister off a module drops the module's row.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type Counter from '../../canisters/counter/src/index.js';
import type LoudCounter from '../fixtures/loud-counter.js';

const replicas = useTestReplicas();
let t: TestReplica | undefined;

/** Runs `fn` on the replica's database, opened read-only beside it. */
function inStore<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(path.join(t?.stateDir ?? '', 'replica.sqlite'), { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('content-addressed modules', () => {
  it('ten canisters of one module share one stored copy and all load it after a restart', async () => {
    // Catches: a module copy per canister row (database growth per install), or a restart
    // that cannot find a canister's code once its row no longer holds it.
    t = await replicas.create();
    const ids = [];
    for (let i = 0; i < 10; i++)
      ids.push((await t.replica.deploy('test/fixtures/loud-counter.ts')).id);
    const other = await t.replica.deploy('canisters/counter/src/index.ts');
    const counts = (): { modules: number; inline: number } =>
      inStore((db) => ({
        modules: db.prepare('SELECT count(*) FROM modules').pluck().get() as number,
        inline: db
          .prepare('SELECT coalesce(sum(length(module)), 0) FROM canisters')
          .pluck()
          .get() as number,
      }));
    expect(counts()).toEqual({ modules: 2, inline: 0 });
    await t.restart();
    for (const id of ids) expect(await t.replica.actor<LoudCounter>(id).get()).toBe(7n);
    // Every canister of the upgraded module moves off it: its row goes.
    for (const id of ids) await t.replica.upgrade(id, 'canisters/counter/src/index.ts');
    expect(counts()).toEqual({ modules: 1, inline: 0 });
    expect(await t.replica.actor<Counter>(other).add(1n)).toBe(1n);
  });
});
