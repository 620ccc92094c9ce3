import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '@tincan/storage-sqlite';
import { StreamStore, markHandled, type Handled } from './stream-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-streams-'));
  dirs.push(dir);
  return path.join(dir, 'replica.sqlite');
}

describe('a subnet store of XNet streams', () => {
  it('marks handled indexes in any order and keeps the prefix contiguous', () => {
    const handled: Handled = { done: 0, above: new Set() };
    expect(markHandled(handled, 2)).toBe(true);
    expect(markHandled(handled, 1)).toBe(true);
    expect(handled).toEqual({ done: 0, above: new Set([1, 2]) });
    expect(markHandled(handled, 0)).toBe(true);
    expect(handled).toEqual({ done: 3, above: new Set() });
    expect(markHandled(handled, 1)).toBe(false);
    expect(markHandled(handled, 5)).toBe(true);
    expect(markHandled(handled, 5)).toBe(false);
    expect(handled).toEqual({ done: 3, above: new Set([5]) });
  });

  it('reads back what committed, and nothing of a rolled-back batch', () => {
    const file = tempFile();
    const store = openSqliteStore({ path: file });
    const streams = new StreamStore(store);
    streams.now(() => {
      streams.putMessage(1, 0, Uint8Array.of(10));
      streams.putMessage(1, 1, Uint8Array.of(11));
      streams.putMessage(1, 2, Uint8Array.of(12));
      streams.putCall(0, 1, 1);
      streams.putHandled(1, { done: 4, above: new Set([6]) });
    });
    // A batch that never commits leaves nothing behind.
    streams.inBatch(() => streams.putMessage(1, 3, Uint8Array.of(13)));
    store.rollback();
    // Dropping acknowledged messages waits for the next transaction (here, the close).
    streams.later(() => streams.deleteMessage(1, 0));
    streams.close();
    store.close();

    const again = openSqliteStore({ path: file });
    try {
      const saved = new StreamStore(again).load();
      const out = saved.out.get(1);
      expect(out?.begin).toBe(1);
      expect(out?.messages.map((m) => [...m])).toEqual([[11], [12]]);
      expect(saved.calls).toEqual(new Map([[0, 1]]));
      expect(saved.nextCallId).toBe(1);
      expect(saved.handled.get(1)).toEqual({ done: 4, above: new Set([6]) });
    } finally {
      again.close();
    }
  });
});
