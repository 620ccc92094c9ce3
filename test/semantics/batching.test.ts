import path from 'node:path';
import Database from 'better-sqlite3';
import { IDL } from '@dfinity/candid';
import { describe, expect, it } from 'vitest';
import { useTestReplicas, type TestReplica } from '@tincan/testing';
import type BatchCounter from '../fixtures/batch-counter.js';

// Group commit: executions of one batch share a SQLite transaction, each in its own savepoint.
const NO_ARGS = new Uint8Array(IDL.encode([], []));
const ANON = new Uint8Array([4]);
const replicas = useTestReplicas();
let t: TestReplica | undefined;

describe('group commit', () => {
  it('delivers an ingress answer only once its state is committed (seen by a second connection)', async () => {
    t = await replicas.create();
    const { id } = await t.replica.deploy('test/fixtures/batch-counter.ts');
    const reader = new Database(path.join(t.stateDir, 'replica.sqlite'), { readonly: true });
    const heapRow = reader
      .prepare<[Uint8Array], Buffer>('SELECT snapshot FROM heaps WHERE canister_id = ?')
      .pluck();
    const seen: Buffer[] = [];
    const before = heapRow.get(id.toUint8Array());
    for (let i = 0; i < 5; i++) {
      // Would fail if answers were released before the batch's COMMIT: the reader would still see `before`.
      t.replica.runtime.submit(
        { canisterId: id.toUint8Array(), method: 'increment', arg: NO_ARGS, caller: ANON },
        () => {
          seen.push(heapRow.get(id.toUint8Array()) as Buffer);
        },
      );
    }
    expect(t.replica.runtime.runBatch(() => true)).toBe(5);
    reader.close();
    expect(seen).toHaveLength(5);
    for (const snapshot of seen) expect(Buffer.compare(snapshot, before as Buffer)).not.toBe(0);
  });

  it('rolls back a trapping execution alone, keeping the others of its batch', async () => {
    t = await replicas.create();
    const { id } = await t.replica.deploy('test/fixtures/batch-counter.ts');
    const answers: string[] = [];
    for (const method of ['increment', 'incrementThenTrap', 'increment']) {
      t.replica.runtime.submit(
        { canisterId: id.toUint8Array(), method, arg: NO_ARGS, caller: ANON },
        (o) => {
          answers.push('reply' in o ? 'reply' : `reject ${o.reject.code}`);
        },
      );
    }
    // Would fail if a trap rolled back the whole batch (count 0) or none of it (count 102).
    t.replica.runtime.runBatch(() => true);
    expect(answers).toEqual(['reply', 'reject 5', 'reply']);
    expect(await t.replica.actor<BatchCounter>(id).get()).toBe(2n);
    const replica = await t.restart();
    expect(await replica.actor<BatchCounter>(id).get()).toBe(2n);
  });
});
