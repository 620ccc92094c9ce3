/**
 * The replica's read-only state view (what the dashboard shows): the memory figure, heap
 * objects decoded from their stored rows and stable maps, paged with cursors; hostile
 * arguments refused; and a hibernated canister browsed without loading its realm.
 */
import { describe, expect, it } from 'vitest';
import { Principal } from '@dfinity/principal';
import { ReplicaError, type HeapPage, type StateView } from '@tincan/replica';
import { useTestReplicas } from '@tincan/testing';
import type DashboardState from '../fixtures/dashboard-state.js';

const FIXTURE = 'test/fixtures/dashboard-state.ts';
const replicas = useTestReplicas();

/** Every entry of a heap object, following `next` page by page. */
function allHeapPages(view: StateView, id: Uint8Array, object: number, limit: number): HeapPage[] {
  const pages: HeapPage[] = [];
  let cursor: string | undefined;
  do {
    const page = view.heap(id, object, cursor, limit);
    pages.push(page);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('the state view', () => {
  it('shows the memory figure, heap fields and a stable map in pages, values decoded and long ones cut', async () => {
    const t = await replicas.create();
    const canister = await t.replica.deploy(FIXTURE);
    expect(await t.replica.actor<DashboardState>(canister).fill(45)).toBe(45);
    const id = canister.id.toUint8Array();
    const view = t.replica.state;

    const memory = view.memory(id);
    expect(memory.heapBytes).toBeGreaterThan(5_000n);
    expect(memory.stableBytes).toBeGreaterThan(45n * 8n);
    expect(memory.moduleBytes).toBeGreaterThan(0n);
    expect(memory.totalBytes).toBe(memory.heapBytes + memory.stableBytes + memory.moduleBytes);

    // The instance's fields (the stable map's handle is not heap data), three per page.
    const roots = allHeapPages(view, id, 0, 3);
    expect(roots.map((p) => p.entries.length)).toEqual([3, 3]);
    expect(roots[0]?.total).toBe(6);
    const fields = Object.fromEntries(
      roots.flatMap((p) => p.entries).map((e) => [e.key.text, e.value]),
    );
    expect(Object.keys(fields)).toEqual([
      'count',
      'motto',
      'accounts',
      'history',
      'blob',
      'reminders',
    ]);
    expect(fields['count']?.text).toBe('45n');
    expect(fields['motto']?.truncated).toBe(true);
    expect(fields['motto']?.text).toContain('(702 characters)');
    expect(fields['accounts']?.text).toBe('Map(45)');
    expect(fields['history']?.text).toBe('Array(45)');
    expect(fields['blob']?.text).toMatch(/^Uint8Array 0x(ab){64}… \(5,000 bytes\)$/);

    // The Map, followed by its reference: 20 + 20 + 5 entries, keys in insertion order.
    const accounts = fields['accounts']?.ref;
    expect(accounts).toBeGreaterThan(0);
    const mapPages = allHeapPages(view, id, accounts as number, 20);
    expect(mapPages.map((p) => p.entries.length)).toEqual([20, 20, 5]);
    expect(mapPages[0]?.kind).toBe('map');
    const entries = mapPages.flatMap((p) => p.entries);
    expect(entries[44]?.key.text).toBe('"key-044"');
    expect(entries[44]?.value.text).toBe('{ owner, balance }');
    const record = view.heap(id, entries[44]?.value.ref);
    expect(record.entries.map((e) => `${e.key.text}=${e.value.text}`)).toEqual([
      'owner="key-044"',
      'balance=440n',
    ]);

    // The stable map, by key cursor.
    expect(view.stableMaps(id)).toEqual([{ memoryId: 3, count: 45n }]);
    const keys: string[] = [];
    const values: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = view.stable(id, 3, cursor, 20);
      expect(page.count).toBe(45n);
      keys.push(...page.entries.map((e) => e.key.text));
      values.push(...page.entries.map((e) => e.value.text));
      cursor = page.next ?? undefined;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(keys).toEqual(
      Array.from({ length: 45 }, (_, i) => `"key-${String(i).padStart(3, '0')}"`),
    );
    expect(values[7]).toBe('7000n');
  }, 60_000);

  it('refuses hostile arguments with clear errors', async () => {
    const t = await replicas.create();
    const canister = await t.replica.deploy(FIXTURE);
    const id = canister.id.toUint8Array();
    const view = t.replica.state;
    const refused = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(ReplicaError);
        return (err as ReplicaError).message;
      }
      throw new Error('not refused');
    };
    expect(refused(() => view.heap(id, 0, undefined, 1_000_000))).toContain(
      'limit must be an integer from 1 to 100',
    );
    expect(refused(() => view.heap(id, 0, undefined, 0))).toContain('limit');
    expect(refused(() => view.heap(id, 0, '-1'))).toContain('cursor');
    expect(refused(() => view.heap(id, 0, '999999'))).toContain('past the end');
    expect(refused(() => view.heap(id, 123_456))).toContain('no heap object 123456');
    expect(refused(() => view.stable(id, 3, 'not hex'))).toContain('cursor');
    expect(refused(() => view.stable(id, 3, 'a'.repeat(100_000)))).toContain('cursor');
    expect(refused(() => view.stable(id, 255))).toContain('memory id');
    expect(refused(() => view.memory(Principal.fromText('aaaaa-aa').toUint8Array()))).toContain(
      'no such canister',
    );
    // The replica still serves.
    expect(await t.replica.actor<DashboardState>(canister).fill(1)).toBe(1);
  }, 60_000);

  it('browses a hibernated canister without loading its realm', async () => {
    const t = await replicas.create({ maxLoadedCanisters: 1 });
    const sleeper = await t.replica.deploy(FIXTURE);
    await t.replica.actor<DashboardState>(sleeper).fill(5);
    const other = await t.replica.deploy(FIXTURE);
    await t.replica.actor<DashboardState>(other).fill(1);
    await t.replica.runUntilIdle();
    const loads = (): number =>
      t.replica.runtime.logs(sleeper.id.toUint8Array()).filter((l) => l.message === 'module loaded')
        .length;
    expect(t.replica.runtime.loadedCanisters()).toBe(1);
    const before = loads();
    const id = sleeper.id.toUint8Array();
    expect(t.replica.state.heap(id).entries.find((e) => e.key.text === 'count')?.value.text).toBe(
      '5n',
    );
    expect(t.replica.state.stable(id, 3).entries).toHaveLength(5);
    expect(t.replica.state.memory(id).heapBytes).toBeGreaterThan(0n);
    expect(t.replica.runtime.loadedCanisters()).toBe(1);
    expect(loads()).toBe(before);
  }, 60_000);
});
