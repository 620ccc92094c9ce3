import { describe, expect, it } from 'vitest';
import { TimerQueue, TimerTable } from './timer-table.js';

const tables = (queue: TimerQueue<string>, n: number): Array<TimerTable<string>> =>
  Array.from({ length: n }, (_, i) => new TimerTable(`c${i}`, i, queue));

describe('the timer queue', () => {
  it('hands out due timers in order: time, then timer id, then canister creation order', () => {
    // Catches: an order that depends on insertion (or Map) order rather than on the timers.
    const queue = new TimerQueue<string>();
    const [a, b, c] = tables(queue, 3) as [
      TimerTable<string>,
      TimerTable<string>,
      TimerTable<string>,
    ];
    c.set(1, { atNs: 5n, intervalNs: 0n });
    b.set(2, { atNs: 5n, intervalNs: 0n });
    a.set(1, { atNs: 5n, intervalNs: 0n });
    a.set(3, { atNs: 2n, intervalNs: 0n });
    b.set(1, { atNs: 9n, intervalNs: 0n });
    const due = queue.takeDue(5n, () => true).map((d) => `${d.owner}:${d.id}`);
    expect(due).toEqual(['c0:3', 'c0:1', 'c2:1', 'c1:2']);
    expect(queue.nextNs(() => true)).toBe(9n);
  });

  it('skips deleted and replaced timers, and keeps those of owners that may not run yet', () => {
    // Catches: a cleared timer firing, a timer firing at its old time after being re-set, or a
    // stopped canister's due timer lost instead of waiting until it runs again.
    const queue = new TimerQueue<string>();
    const [a, b] = tables(queue, 2) as [TimerTable<string>, TimerTable<string>];
    a.set(1, { atNs: 1n, intervalNs: 0n });
    a.set(2, { atNs: 1n, intervalNs: 0n });
    a.delete(1);
    a.set(2, { atNs: 7n, intervalNs: 0n });
    b.set(1, { atNs: 3n, intervalNs: 0n });
    expect(queue.takeDue(5n, (owner) => owner !== 'c1')).toEqual([]);
    expect(queue.nextNs((owner) => owner !== 'c1')).toBe(7n);
    expect(queue.takeDue(8n, () => true).map((d) => `${d.owner}:${d.id}`)).toEqual([
      'c1:1',
      'c0:2',
    ]);
    expect(queue.size).toBe(2);
    a.clear();
    b.clear();
    expect(queue.size).toBe(0);
    expect(queue.nextNs(() => true)).toBeUndefined();
  });

  it('looks at due timers only: no walk over every canister when none is due', () => {
    // Catches: a per-step scan of every canister with timers (the cost grows with the replica).
    const queue = new TimerQueue<string>();
    const all = tables(queue, 10_000);
    all.forEach((t, i) => t.set(1, { atNs: 1_000n + BigInt(i), intervalNs: 0n }));
    let asked = 0;
    const eligible = (): boolean => {
      asked++;
      return true;
    };
    expect(queue.takeDue(999n, eligible)).toEqual([]);
    expect(asked).toBe(0);
    expect(queue.takeDue(1_002n, eligible).map((d) => d.owner)).toEqual(['c0', 'c1', 'c2']);
    expect(asked).toBe(3);
  });

  it('stays correct through rebuilds when timers are re-set many times', () => {
    // Catches: stale entries piling up without bound, or a rebuild that loses or reorders timers.
    const queue = new TimerQueue<string>();
    const all = tables(queue, 10);
    for (let round = 0; round < 500; round++)
      all.forEach((t, i) =>
        t.set(1, { atNs: BigInt(10_000 + round * 10 + (9 - i)), intervalNs: 0n }),
      );
    expect(queue.size).toBe(10);
    const due = queue.takeDue(20_000n, () => true);
    expect(due.map((d) => d.owner)).toEqual([
      'c9',
      'c8',
      'c7',
      'c6',
      'c5',
      'c4',
      'c3',
      'c2',
      'c1',
      'c0',
    ]);
    expect(due.map((d) => d.timer.atNs)).toEqual(
      Array.from({ length: 10 }, (_, k) => BigInt(10_000 + 499 * 10 + k)),
    );
  });
});
