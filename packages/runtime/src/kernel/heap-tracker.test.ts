import { describe, expect, it } from 'vitest';
import { packHeap } from '../state/heap-delta.js';
import type { HeapDeltaOut } from './heap-record.js';
import { createHeapTracker } from './heap-tracker.js';
import { decodeMeta, unpackHeap } from './heap-rows.js';

const PRNG = [1, 2, 3, 4];

/** Collects the rows of successive deltas as the store would keep them. */
function storeOf(): { apply(delta: HeapDeltaOut | undefined): void; load(root: object): object } {
  let meta: Uint8Array = new Uint8Array();
  const rows = new Map<string, { id: number; part: number; data: Uint8Array }>();
  return {
    apply(delta) {
      if (delta === undefined) return;
      meta = delta.meta;
      for (let i = 0; i < delta.rows.length; i += 3) {
        const [id, part, data] = [
          delta.rows[i] as number,
          delta.rows[i + 1] as number,
          delta.rows[i + 2] as Uint8Array | null,
        ];
        if (data === null)
          for (const key of [...rows.keys()]) if (key.startsWith(`${id}:`)) rows.delete(key);
        if (data !== null) rows.set(`${id}:${part}`, { id, part, data });
      }
    },
    load(root) {
      const unpacked = unpackHeap(packHeap(meta, [...rows.values()]));
      const decoded = decodeMeta(unpacked.meta);
      if (decoded === undefined) throw new Error('no meta');
      createHeapTracker(() => undefined).load(root, decoded, unpacked.rows);
      return root;
    },
  };
}

describe('heap tracker', () => {
  it('commits only what was marked, and loads the same graph back', () => {
    const tracker = createHeapTracker(() => undefined);
    const shared = { n: 1 };
    const root = {
      a: shared,
      b: [shared, 2],
      m: new Map<unknown, unknown>([['k', shared]]),
      s: new Set([1n]),
      bytes: new Uint8Array(10_000),
      d: new Date(5),
    };
    const store = storeOf();
    store.apply(tracker.persist(root, true, PRNG));
    tracker.begin();
    tracker.object(shared);
    shared.n = 2;
    tracker.keyed(root.bytes, 9_999);
    root.bytes[9_999] = 7;
    const delta = tracker.persist(root, false, PRNG);
    // The shared object's row and one page of the bytes: nothing else.
    expect(delta?.rows.filter((_, i) => i % 3 === 0)).toEqual([
      expect.any(Number),
      expect.any(Number),
    ]);
    store.apply(delta);
    const loaded = store.load({}) as typeof root;
    expect(loaded.a.n).toBe(2);
    expect(loaded.b[0]).toBe(loaded.a);
    expect(loaded.m.get('k')).toBe(loaded.a);
    expect([...loaded.s]).toEqual([1n]);
    expect(loaded.bytes[9_999]).toBe(7);
    expect(loaded.bytes.length).toBe(10_000);
    expect(loaded.d.getTime()).toBe(5);
  });

  it('rolls back into the same objects', () => {
    const tracker = createHeapTracker(() => undefined);
    const list = [1, 2];
    const root: Record<string, unknown> = { list, obj: { x: 1 } };
    tracker.persist(root, true, PRNG);
    tracker.begin();
    tracker.object(list);
    list.push(3);
    tracker.object(root);
    root.extra = 'new';
    tracker.rollback();
    expect(root.list).toBe(list);
    expect(list).toEqual([1, 2]);
    expect('extra' in root).toBe(false);
  });

  it('refuses an unpersistable value with its path and tracks nothing of the refused commit', () => {
    const tracker = createHeapTracker(() => undefined);
    const root: Record<string, unknown> = { box: {} };
    tracker.persist(root, true, PRNG);
    tracker.begin();
    const fresh = { inner: { f: () => 1 } };
    tracker.object(root.box);
    (root.box as Record<string, unknown>).fresh = fresh;
    expect(() => tracker.persist(root, false, PRNG)).toThrow(
      /this\.box\.fresh\.inner\.f is a function/,
    );
    expect(tracker.isTracked(fresh)).toBe(false);
    tracker.rollback();
    expect(root.box).toEqual({});
  });

  it('takes a commit back when the host refuses it, so the next rollback undoes its execution', () => {
    const tracker = createHeapTracker(() => undefined);
    const root: Record<string, unknown> = { n: 1 };
    tracker.persist(root, true, PRNG);
    tracker.begin();
    tracker.object(root);
    const added = { big: 'x' };
    root.n = 2;
    root.added = added;
    expect(tracker.persist(root, false, PRNG)).toBeDefined();
    expect(tracker.isTracked(added)).toBe(true);
    tracker.unpersist();
    expect(tracker.isTracked(added)).toBe(false);
    tracker.rollback();
    expect(root).toEqual({ n: 1 });
  });

  it('nests frames: a rewind restores only its frame, a kept frame joins the outer one, one commit writes it all', () => {
    const tracker = createHeapTracker(() => undefined);
    const counter = { n: 0 };
    const root = { counter, log: [] as string[], bytes: new Uint8Array(5_000) };
    const store = storeOf();
    store.apply(tracker.persist(root, true, PRNG));
    tracker.begin();
    const write = (entry: string, page: number): void => {
      tracker.object(counter);
      counter.n++;
      tracker.object(root.log);
      root.log.push(entry);
      tracker.keyed(root.bytes, page * 2_048);
      root.bytes[page * 2_048] = counter.n;
    };
    write('root', 0);
    tracker.mark();
    write('kept', 1);
    const inner = tracker.mark();
    write('discarded', 2);
    tracker.rewind(inner);
    expect([counter.n, root.log, root.bytes[4_096]]).toEqual([2, ['root', 'kept'], 0]);
    tracker.unmark();
    // After the rewind, writes in the outer frame are saved again.
    write('after', 2);
    expect(root.log).toEqual(['root', 'kept', 'after']);
    const delta = tracker.persist(root, false, PRNG);
    store.apply(delta);
    const loaded = store.load({}) as typeof root;
    expect([
      loaded.counter.n,
      loaded.log,
      loaded.bytes[0],
      loaded.bytes[2_048],
      loaded.bytes[4_096],
    ]).toEqual([3, ['root', 'kept', 'after'], 1, 2, 3]);
  });

  it('an outer rewind also restores what inner kept frames wrote, oldest save first', () => {
    const tracker = createHeapTracker(() => undefined);
    const counter = { n: 0 };
    const root = { counter };
    tracker.persist(root, true, PRNG);
    tracker.begin();
    const outer = tracker.mark();
    tracker.object(counter);
    counter.n = 1;
    tracker.mark();
    tracker.object(counter);
    counter.n = 2;
    tracker.unmark();
    tracker.object(counter);
    counter.n = 3;
    tracker.rewind(outer);
    expect(counter.n).toBe(0);
    tracker.object(counter);
    counter.n = 4;
    tracker.rollback();
    expect(counter.n).toBe(0);
  });
});
