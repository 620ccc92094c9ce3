/**
 * Committed timers: each canister's table, and one priority queue of every timer of the
 * replica by the time it falls due. The runtime looks for due timers before every step; with
 * the queue that costs a peek when none is due, however many canisters (or timers) there are.
 */

/** One committed timer: when it fires, and its interval (0 for one-shot). */
export interface Timer {
  readonly atNs: bigint;
  readonly intervalNs: bigint;
}

/** A queued timer. It is stale once its table no longer holds this very `timer` object. */
interface Entry<Owner> {
  readonly atNs: bigint;
  readonly id: number;
  /** The owner's creation order: ties at one time and id go by it. */
  readonly order: number;
  readonly table: TimerTable<Owner>;
  readonly timer: Timer;
}

/** A due timer, as {@link TimerQueue.takeDue} hands it out. */
export interface DueTimer<Owner> {
  readonly owner: Owner;
  readonly id: number;
  readonly timer: Timer;
}

/** Earlier time first, then lower timer id, then the owner created first. */
function before<Owner>(a: Entry<Owner>, b: Entry<Owner>): boolean {
  if (a.atNs !== b.atNs) return a.atNs < b.atNs;
  if (a.id !== b.id) return a.id < b.id;
  return a.order < b.order;
}

/**
 * A binary min-heap of every timer of the replica. Tables push an entry whenever they set a
 * timer; a deleted or replaced timer's entry stays until it reaches the top (or the heap is
 * rebuilt, once stale entries outnumber live ones), so changing a timer costs O(log n).
 */
export class TimerQueue<Owner> {
  #heap: Array<Entry<Owner>> = [];
  /** Timers held by all tables. */
  #live = 0;
  /** Tables that hold timers, for a rebuild. */
  readonly #tables = new Set<TimerTable<Owner>>();

  /** Timers held by all tables. */
  get size(): number {
    return this.#live;
  }

  /** @internal Called by a table that set a timer (`added`: the id was new to it). */
  pushed(table: TimerTable<Owner>, id: number, timer: Timer, added: boolean): void {
    if (added) this.#live++;
    this.#tables.add(table);
    this.#push({ atNs: timer.atNs, id, order: table.order, table, timer });
    if (this.#heap.length > 1024 + 2 * this.#live) this.#rebuild();
  }

  /** @internal Called by a table that dropped `count` timers. */
  dropped(table: TimerTable<Owner>, count: number): void {
    this.#live -= count;
    if (table.size === 0) this.#tables.delete(table);
  }

  /**
   * Takes every timer due at `nowNs`, in the order they fall due, of owners `eligible` says
   * may run now; the others stay queued.
   */
  takeDue(nowNs: bigint, eligible: (owner: Owner) => boolean): Array<DueTimer<Owner>> {
    const due: Array<DueTimer<Owner>> = [];
    const held: Array<Entry<Owner>> = [];
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.atNs > nowNs) break;
      this.#pop();
      if (!this.#valid(top)) continue;
      if (eligible(top.table.owner))
        due.push({ owner: top.table.owner, id: top.id, timer: top.timer });
      else held.push(top);
    }
    for (const entry of held) this.#push(entry);
    return due;
  }

  /** When the earliest timer of an `eligible` owner falls due, if any. */
  nextNs(eligible: (owner: Owner) => boolean): bigint | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined) return undefined;
      if (!this.#valid(top)) {
        this.#pop();
        continue;
      }
      if (eligible(top.table.owner)) return top.atNs;
      break;
    }
    // The earliest timer's owner may not run now (stopped, say): look at them all.
    let next: bigint | undefined;
    for (const entry of this.#heap) {
      if (
        this.#valid(entry) &&
        eligible(entry.table.owner) &&
        (next === undefined || entry.atNs < next)
      )
        next = entry.atNs;
    }
    return next;
  }

  #valid(entry: Entry<Owner>): boolean {
    return entry.table.get(entry.id) === entry.timer;
  }

  #rebuild(): void {
    const heap: Array<Entry<Owner>> = [];
    for (const table of this.#tables)
      for (const [id, timer] of table)
        heap.push({ atNs: timer.atNs, id, order: table.order, table, timer });
    this.#heap = [];
    for (const entry of heap) this.#push(entry);
  }

  #push(entry: Entry<Owner>): void {
    const heap = this.#heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry<Owner>;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as Entry<Owner>, heap[left] as Entry<Owner>)
          ? right
          : left;
      if (!before(heap[child] as Entry<Owner>, last)) break;
      heap[i] = heap[child] as Entry<Owner>;
      i = child;
    }
    heap[i] = last;
  }
}

/** One owner's timers by id; every change goes to the replica's {@link TimerQueue}. */
export class TimerTable<Owner> extends Map<number, Timer> {
  readonly owner: Owner;
  /** The owner's creation order, for ties in the queue. */
  readonly order: number;
  readonly #queue: TimerQueue<Owner> | undefined;

  constructor(owner: Owner, order: number, queue: TimerQueue<Owner> | undefined) {
    super();
    this.owner = owner;
    this.order = order;
    this.#queue = queue;
  }

  override set(id: number, timer: Timer): this {
    const added = !super.has(id);
    super.set(id, timer);
    this.#queue?.pushed(this, id, timer, added);
    return this;
  }

  override delete(id: number): boolean {
    const deleted = super.delete(id);
    if (deleted) this.#queue?.dropped(this, 1);
    return deleted;
  }

  override clear(): void {
    const count = this.size;
    super.clear();
    if (count > 0) this.#queue?.dropped(this, count);
  }
}
