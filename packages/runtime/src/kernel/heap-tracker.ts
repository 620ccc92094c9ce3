/**
 * The heap, tracked object by object. Every object persisted so far has an id and a record.
 * The bundle's write barrier (and the kernel's wrappers of mutating built-ins) tell the
 * tracker before an execution first writes to a tracked object: it saves that object's
 * contents (one level deep; for a large typed array, only the page written) in the undo log.
 *
 * - A commit encodes only the objects in the undo log, plus objects new to the heap that they
 *   now hold, and hands their rows to the host. Its cost follows what the execution changed.
 * - A rollback writes the undo log back into the same objects, so suspended continuations see
 *   the state they reference rolled back. A query costs what it touched.
 * - Marks nest inside the undo log (a transaction's frames): `rewind` restores only what was
 *   written since a mark, and the entries of a kept frame stay in the log, so an outer rewind
 *   or rollback still restores them. An object saved in several frames has one entry in each;
 *   entries are restored newest first, so the oldest save wins.
 * - Objects no longer reachable are found by a walk from the root that runs once the heap has
 *   seen as many writes and new objects as it holds (so its cost, spread over them, is
 *   constant), and their rows are deleted.
 *
 * Unpersistable values (functions, promises, …) are refused at commit, naming the field path.
 */
import { HeapLimitError, UnpersistableError } from './heap-graph.js';
import {
  Kind,
  call,
  classify,
  fieldsOf,
  forEachValue,
  putField,
  refusePrimitive,
  restoreContents,
  sameSaved,
  saveContents,
  type Saved,
} from './heap-objects.js';
import { PAGE_BYTES, decodeRow, encodeMeta, encodeRow, hole, isHole, ref, refId, type HeapMeta } from './heap-rows.js';

interface Rec {
  readonly id: number;
  readonly obj: object;
  readonly kind: Kind;
  readonly cls: string | undefined;
  /** The epoch of this object's first write in the current execution (or frame). */
  epoch: number;
  /** Its undo entry of the current epoch (for bytes, where later pages are added). */
  entry: UndoEntry | undefined;
  /** For bytes: a Uint8Array over the object's bytes, its buffer and offset in it. */
  readonly view: Uint8Array | undefined;
  readonly buffer: ArrayBuffer | undefined;
  readonly offset: number;
  /** Bytes of its rows in the store. */
  size: number;
}

/** One object's contents saved before its first write in an epoch. */
interface UndoEntry {
  readonly rec: Rec;
  /** For objects: the contents. */
  readonly saved: Saved | undefined;
  /** For bytes: copies of the pages written, from before the first write. */
  readonly pages: Map<number, Uint8Array> | undefined;
}

/** What a commit hands the host: the meta row and the rows to write. */
export interface HeapDeltaOut {
  readonly meta: Uint8Array;
  /** Bytes of every row of the heap after this commit. */
  readonly bytes: number;
  /** Flat `[id, part, data, …]`; `data` null with part -1 deletes every row of the object. */
  readonly rows: unknown[];
}

const { floor, min, max } = Math;
const isView = ArrayBuffer.isView;
const taProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const taSet = (taProto as { set: unknown }).set;
const taSlice = (taProto as { slice: unknown }).slice;
const getBuffer = Object.getOwnPropertyDescriptor(taProto, 'buffer')?.get as () => ArrayBuffer;
const getByteOffset = Object.getOwnPropertyDescriptor(taProto, 'byteOffset')?.get as () => number;
const getByteLength = Object.getOwnPropertyDescriptor(taProto, 'byteLength')?.get as () => number;
const abByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get as () => number;
const dvBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, 'buffer')?.get as () => ArrayBuffer;
const dvByteOffset = Object.getOwnPropertyDescriptor(DataView.prototype, 'byteOffset')?.get as () => number;
const create = Object.create;
/** Typed-array constructors by name, for loading. */
const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

const slice = (view: Uint8Array, from: number, to: number): Uint8Array => call(taSlice, view, from, to) as Uint8Array;

/** Creates the tracker of one sandbox's heap. */
export function createHeapTracker(classOf: (name: string) => object | undefined) {
  let tracked = new WeakMap<object, Rec>();
  let trackedGet = WeakMap.prototype.get.bind(tracked) as (o: unknown) => Rec | undefined;
  let recs = new Map<number, Rec>();
  /** Tracked bytes objects by buffer, so a write through any view of a heap buffer is seen. */
  let owners = new Map<ArrayBuffer, Rec[]>();
  let epoch = 1;
  let undo: UndoEntry[] = [];
  /** Open marks (a transaction's frames in this canister). */
  let marks = 0;
  /** Whether a mark was made since the last commit (objects may then have several entries). */
  let framed = false;
  let nextId = 1;
  let totalBytes = 0;
  /** Writes and new objects since the last unreachable-object walk, and the objects it found live. */
  let churn = 0;
  let live = 0;
  /** What the last commit did, so the host can take it back (a memory limit refused it). */
  let pending:
    | { undo: UndoEntry[]; epoch: number; added: Rec[]; sizes: Array<[Rec, number]>; nextId: number; bytes: number; removed: Rec[]; carried: unknown[]; root: Uint8Array | undefined; framed: boolean }
    | undefined;
  /** Rows a restore from the earlier format produced, written with the next commit. */
  let carry: unknown[] = [];
  /** The canister instance's row, kept in the meta row. */
  let rootRow: Uint8Array | undefined;

  const track = (id: number, obj: object, kind: Kind, cls: string | undefined): Rec => {
    let view: Uint8Array | undefined;
    let buffer: ArrayBuffer | undefined;
    let offset = 0;
    if (kind === Kind.Bytes) {
      buffer = call(getBuffer, obj) as ArrayBuffer;
      offset = call(getByteOffset, obj) as number;
      view = new Uint8Array(buffer, offset, call(getByteLength, obj) as number);
    } else if (kind === Kind.Buffer) {
      buffer = obj as ArrayBuffer;
      view = new Uint8Array(buffer, 0, call(abByteLength, obj) as number);
    }
    const rec: Rec = { id, obj, kind, cls, epoch: 0, entry: undefined, view, buffer, offset, size: 0 };
    tracked.set(obj, rec);
    recs.set(id, rec);
    if (buffer !== undefined) {
      const list = owners.get(buffer);
      if (list === undefined) owners.set(buffer, [rec]);
      else list.push(rec);
    }
    return rec;
  };

  const untrack = (rec: Rec): void => {
    tracked.delete(rec.obj);
    recs.delete(rec.id);
    if (rec.buffer !== undefined) {
      const list = owners.get(rec.buffer)?.filter((r) => r !== rec) ?? [];
      if (list.length === 0) owners.delete(rec.buffer);
      else owners.set(rec.buffer, list);
    }
  };

  const first = (rec: Rec): void => {
    rec.epoch = epoch;
    undo.push({ rec, saved: saveContents(rec.obj, rec.kind, rec.id === 0), pages: undefined });
  };

  const markPage = (rec: Rec, page: number): void => {
    if (rec.epoch !== epoch || rec.entry === undefined) {
      rec.epoch = epoch;
      rec.entry = { rec, saved: undefined, pages: new Map() };
      undo.push(rec.entry);
    }
    const pages = rec.entry.pages as Map<number, Uint8Array>;
    if (!pages.has(page)) pages.set(page, slice(rec.view as Uint8Array, page * PAGE_BYTES, (page + 1) * PAGE_BYTES));
  };

  /** Marks bytes `[from, to)` of `buffer` written, in every tracked object over them. */
  const markBuffer = (buffer: ArrayBuffer, from: number, to: number): void => {
    const list = owners.get(buffer);
    if (list === undefined) return;
    for (const rec of list) {
      const start = max(from - rec.offset, 0);
      const end = min(to - rec.offset, (rec.view as Uint8Array).length);
      if (start >= end) continue;
      for (let p = floor(start / PAGE_BYTES); p <= floor((end - 1) / PAGE_BYTES); p++) markPage(rec, p);
    }
  };

  /** Marks elements `[from, to)` of typed array `view` written. */
  const markElements = (view: ArrayBufferView, from: number, to: number): void => {
    if (owners.size === 0) return;
    const bpe = (view as Uint8Array).BYTES_PER_ELEMENT;
    const base = call(getByteOffset, view) as number;
    markBuffer(call(getBuffer, view) as ArrayBuffer, base + from * bpe, base + to * bpe);
  };

  const indexOf = (key: unknown): number => {
    const i = typeof key === 'number' ? key : typeof key === 'string' ? Number(key) : NaN;
    return i >= 0 && floor(i) === i ? i : -1;
  };

  /** The barrier for `o.name = …`, `delete o.name` and the mutating built-ins. */
  const object = (o: unknown): unknown => {
    const rec = trackedGet(o);
    if (rec !== undefined && rec.epoch !== epoch && rec.view === undefined) first(rec);
    return o;
  };

  /** The barrier for `o[key] = …`: also marks the page of a typed array the key lands in. */
  const keyed = (o: unknown, key: unknown): void => {
    const rec = trackedGet(o);
    if (rec !== undefined && rec.view === undefined) {
      if (rec.epoch !== epoch) first(rec);
      return;
    }
    if (owners.size > 0 && isView(o) && !(o instanceof DataView)) {
      const i = indexOf(key);
      if (i >= 0) markElements(o, i, i + 1);
    }
  };

  /** DataView writes: `at` bytes into the view, `width` bytes wide. */
  const dataView = (dv: DataView, at: unknown, width: number): void => {
    if (owners.size === 0) return;
    const i = indexOf(at);
    if (i < 0) return;
    const start = (call(dvByteOffset, dv) as number) + i;
    markBuffer(call(dvBuffer, dv) as ArrayBuffer, start, start + width);
  };

  // --- commit ---

  /** The path from the root to `target`, for error messages (only computed on an error). */
  const pathOf = (root: object, target: object): string => {
    const seen = new Set<object>([root]);
    const queue: Array<[object, string]> = [[root, 'this']];
    for (let i = 0; i < queue.length; i++) {
      const [obj, path] = queue[i] as [object, string];
      if (obj === target) return path;
      const c = classify(obj);
      if ('refused' in c) continue;
      forEachValue(obj, c.kind, obj === root, (v, suffix) => {
        if (typeof v === 'object' && v !== null && !seen.has(v)) {
          seen.add(v);
          queue.push([v, `${path}${suffix()}`]);
        }
      });
    }
    return '(an object no longer in the heap)';
  };

  /**
   * Turns the commit's output into a delta, or undefined when nothing changed. Byte arrays new
   * to the heap that would take it past `maxBytes` stop the commit before they are copied
   * (copying a gigabyte takes seconds, and such a heap could never be committed anyway).
   */
  const persist = (root: object, prngChanged: boolean, prng: readonly number[], maxBytes = Infinity): HeapDeltaOut | undefined => {
    const rows: unknown[] = carry;
    const carried = carry.length;
    const added: Rec[] = [];
    const sizes: Array<[Rec, number]> = [];
    const startNext = nextId;
    const startBytes = totalBytes;
    const startRoot = rootRow;
    const resize = (rec: Rec, size: number): void => {
      sizes.push([rec, rec.size]);
      totalBytes += size - rec.size;
      rec.size = size;
    };
    /** Where a value sits in its owner, for error paths only (built when an error is thrown). */
    const where = (kind: Kind, at: unknown, key: unknown): string => {
      if (kind === Kind.Object) return `.${at as string}`;
      if (kind === Kind.Array) return `[${at as number}]`;
      if (kind === Kind.Set) return ' member';
      // Map: `at` is the key's index; only primitive keys are named (`String` of an object key
      // would run its `toString`).
      if (((at as number) & 1) === 0) return ' key';
      return `.get(${typeof key === 'object' || typeof key === 'function' ? '…' : String(key)})`;
    };
    const refuse = (owner: Rec, at: unknown, key: unknown, why: string): never => {
      throw new UnpersistableError(`${pathOf(root, owner.obj)}${where(owner.kind, at, key)} ${why}`);
    };
    const encodeValue = (owner: Rec, v: unknown, at: unknown, key: unknown): unknown => {
      if (typeof v !== 'object' || v === null) {
        const refused = refusePrimitive(v);
        if (refused !== undefined) refuse(owner, at, key, refused);
        return v;
      }
      const known = trackedGet(v);
      if (known !== undefined) return ref(known.id);
      const c = classify(v);
      if ('refused' in c) refuse(owner, at, key, c.refused);
      const rec = track(nextId++, v, (c as { kind: Kind }).kind, (c as { cls: string | undefined }).cls);
      added.push(rec);
      return ref(rec.id);
    };
    /**
     * Encodes an object's row from its contents as just read (`now`, from `saveContents`): the
     * fields are read once per commit, for the change check and the row alike.
     */
    const encodeObject = (rec: Rec, now: Saved): void => {
      let payload: unknown;
      switch (now.kind) {
        case Kind.Date:
          payload = now.time;
          break;
        case Kind.Array: {
          const items = now.items;
          const out: unknown[] = new Array(items.length);
          for (let i = 0; i < items.length; i++) out[i] = i in items ? encodeValue(rec, items[i], i, undefined) : hole;
          payload = out;
          break;
        }
        case Kind.Object: {
          const entries = now.entries;
          for (let i = 1; i < entries.length; i += 2) entries[i] = encodeValue(rec, entries[i], entries[i - 1], undefined);
          payload = entries;
          break;
        }
        case Kind.Map: {
          const entries = now.entries;
          for (let i = 0; i < entries.length; i++) entries[i] = encodeValue(rec, entries[i], i, entries[i & ~1]);
          payload = entries;
          break;
        }
        case Kind.Set: {
          const values = now.values;
          for (let i = 0; i < values.length; i++) values[i] = encodeValue(rec, values[i], i, undefined);
          payload = values;
          break;
        }
      }
      const row = encodeRow(rec.kind, rec.cls, payload);
      if (rec.id === 0) rootRow = row;
      else rows.push(rec.id, 0, row);
      resize(rec, row.length);
    };
    const encodeBytes = (rec: Rec, pages: Iterable<number> | undefined): void => {
      const view = rec.view as Uint8Array;
      if (view.length <= PAGE_BYTES) {
        const row = encodeRow(rec.kind, rec.cls, slice(view, 0, view.length));
        rows.push(rec.id, 0, row);
        resize(rec, row.length);
        return;
      }
      if (pages === undefined) {
        if (totalBytes + view.length > maxBytes) {
          throw new HeapLimitError(`heap memory limit exceeded: the canister's heap would hold more than its limit of ${maxBytes} bytes`);
        }
        const row = encodeRow(rec.kind, rec.cls, view.length);
        rows.push(rec.id, 0, row);
        resize(rec, row.length + view.length);
        pages = Array.from({ length: Math.ceil(view.length / PAGE_BYTES) }, (_, p) => p);
      }
      for (const p of pages) rows.push(rec.id, p + 1, slice(view, p * PAGE_BYTES, (p + 1) * PAGE_BYTES));
    };
    try {
      if (trackedGet(root) === undefined) added.push(track(0, root, Kind.Object, undefined));
      // Inside a transaction an object can have an entry per frame: each is encoded once,
      // compared with its oldest save (the contents at the last commit).
      const many = framed ? new Set<Rec>() : undefined;
      for (let i = 0; i < undo.length; i++) {
        const { rec, saved } = undo[i] as UndoEntry;
        if (many !== undefined) {
          if (many.has(rec)) continue;
          many.add(rec);
        }
        if (rec.view !== undefined) {
          // A written page is written back even when it holds the same bytes again: comparing
          // costs about what writing a page costs.
          encodeBytes(rec, pagesOf(rec, i));
        } else {
          const now = saveContents(rec.obj, rec.kind, rec.id === 0);
          if (!sameSaved(saved as Saved, now)) encodeObject(rec, now);
        }
      }
      for (let i = 0; i < added.length; i++) {
        const rec = added[i] as Rec;
        if (rec.view !== undefined) encodeBytes(rec, undefined);
        else encodeObject(rec, saveContents(rec.obj, rec.kind, rec.id === 0));
      }
    } catch (err) {
      for (const rec of added) untrack(rec);
      for (let i = sizes.length - 1; i >= 0; i--) (sizes[i] as [Rec, number])[0].size = (sizes[i] as [Rec, number])[1];
      nextId = startNext;
      totalBytes = startBytes;
      rootRow = startRoot;
      rows.length = carried;
      throw err;
    }
    churn += undo.length + added.length;
    const removed = churn > max(1024, live) ? collect(root, rows) : [];
    pending = { undo, epoch, added, sizes, nextId: startNext, bytes: startBytes, removed, carried: rows.slice(0, carried), root: startRoot, framed };
    epoch++;
    undo = [];
    framed = false;
    if (rows.length === 0 && !prngChanged && rootRow === startRoot) return undefined;
    carry = [];
    return { meta: encodeMeta({ prng, nextId, bytes: totalBytes, root: rootRow }), bytes: totalBytes, rows };
  };

  /** Forgets objects no longer reachable from the root; adds the deletes of their rows. */
  const collect = (root: object, rows: unknown[]): Rec[] => {
    churn = 0;
    const reached = new Set<Rec>();
    const stack: Rec[] = [];
    const rootRec = trackedGet(root);
    if (rootRec !== undefined) {
      reached.add(rootRec);
      stack.push(rootRec);
    }
    while (stack.length > 0) {
      const rec = stack.pop() as Rec;
      forEachValue(rec.obj, rec.kind, rec.id === 0, (v) => {
        const child = trackedGet(v);
        if (child !== undefined && !reached.has(child)) {
          reached.add(child);
          stack.push(child);
        }
      });
    }
    const removed: Rec[] = [];
    for (const rec of recs.values()) if (!reached.has(rec)) removed.push(rec);
    for (const rec of removed) {
      untrack(rec);
      totalBytes -= rec.size;
      rows.push(rec.id, -1, null);
    }
    live = recs.size;
    return removed;
  };

  /** Takes back the last commit (the host refused it): the next rollback undoes its execution. */
  const unpersist = (): void => {
    if (pending === undefined) return;
    for (const rec of pending.added) untrack(rec);
    for (const rec of pending.removed) {
      tracked.set(rec.obj, rec);
      recs.set(rec.id, rec);
      if (rec.buffer !== undefined) owners.set(rec.buffer, [...(owners.get(rec.buffer) ?? []), rec]);
    }
    for (let i = pending.sizes.length - 1; i >= 0; i--) (pending.sizes[i] as [Rec, number])[0].size = (pending.sizes[i] as [Rec, number])[1];
    nextId = pending.nextId;
    totalBytes = pending.bytes;
    undo = pending.undo;
    epoch = pending.epoch;
    carry = pending.carried;
    rootRow = pending.root;
    framed = pending.framed;
    pending = undefined;
  };

  /** The pages an object's entries from `from` on saved (its written pages). */
  const pagesOf = (rec: Rec, from: number): Iterable<number> => {
    const first = (undo[from] as UndoEntry).pages as Map<number, Uint8Array>;
    if (!framed) return first.keys();
    const all = new Set<number>(first.keys());
    for (let i = from + 1; i < undo.length; i++) {
      const e = undo[i] as UndoEntry;
      if (e.rec === rec) for (const p of (e.pages as Map<number, Uint8Array>).keys()) all.add(p);
    }
    return all;
  };

  /** Writes the undo entries from `to` on back into the objects, newest first. */
  const restoreTo = (to: number): void => {
    for (let i = undo.length - 1; i >= to; i--) {
      const { rec, saved, pages } = undo[i] as UndoEntry;
      if (rec.view !== undefined) {
        for (const [p, before] of pages as Map<number, Uint8Array>) call(taSet, rec.view, before, p * PAGE_BYTES);
      } else {
        restoreContents(rec.obj, saved as Saved, rec.id === 0);
      }
      rec.entry = undefined;
    }
    undo.length = to;
    // Objects written again must be saved again.
    epoch++;
  };

  /** Writes the undo log back into the objects. */
  const rollback = (): void => {
    pending = undefined;
    restoreTo(0);
    marks = 0;
    framed = false;
  };

  /**
   * Opens a frame: writes from now on get entries of their own, so {@link rewind} can restore
   * the state of this moment. Returns the mark to rewind to.
   */
  const mark = (): number => {
    marks++;
    framed = true;
    epoch++;
    return undo.length;
  };

  /** Closes the innermost frame and keeps its writes: its entries now belong to the outer frame. */
  const unmark = (): void => {
    if (marks > 0) marks--;
  };

  /** Closes the innermost frame and restores the state at its `mark`. */
  const rewind = (to: number): void => {
    if (marks > 0) marks--;
    restoreTo(to);
  };

  /** Starts an execution: the last commit is final, its undo log (and its page copies) can go. */
  const begin = (): void => {
    if (pending === undefined) return;
    for (const e of pending.undo) e.rec.entry = undefined;
    pending = undefined;
  };

  /**
   * Loads stored rows into `root` (the freshly constructed instance) and the objects they
   * reference. Returns the names of classes it could not find (their instances load as plain objects).
   */
  const load = (root: object, meta: HeapMeta, stored: ReadonlyArray<readonly [number, number, Uint8Array]>): Set<string> => {
    tracked = new WeakMap();
    trackedGet = WeakMap.prototype.get.bind(tracked) as (o: unknown) => Rec | undefined;
    recs = new Map();
    owners = new Map();
    undo = [];
    marks = 0;
    pending = undefined;
    const unknown = new Set<string>();
    const decoded: Array<[Rec, unknown]> = [];
    const pages: Array<[number, number, Uint8Array]> = [];
    const sizes = new Map<number, number>();
    rootRow = meta.root;
    const rows = meta.root === undefined ? stored : [[0, 0, meta.root] as const, ...stored];
    for (const [id, part, data] of rows) {
      sizes.set(id, (sizes.get(id) ?? 0) + data.length);
      if (part > 0) {
        pages.push([id, part, data]);
        continue;
      }
      const { kind, cls, payload } = decodeRow(new Uint8Array(data));
      let obj: object;
      if (id === 0) obj = root;
      else if (kind === Kind.Object) {
        const proto = cls === undefined ? undefined : classOf(cls);
        if (cls !== undefined && proto === undefined) unknown.add(cls);
        obj = create(proto ?? Object.prototype) as object;
      } else if (kind === Kind.Array) obj = [];
      else if (kind === Kind.Map) obj = new Map();
      else if (kind === Kind.Set) obj = new Set();
      else if (kind === Kind.Date) obj = new Date(payload as number);
      else {
        const bytes = typeof payload === 'number' ? new ArrayBuffer(payload) : slice(payload as Uint8Array, 0, (payload as Uint8Array).length).buffer as ArrayBuffer;
        const Ctor = kind === Kind.Bytes ? TYPED_ARRAYS[cls ?? 'Uint8Array'] ?? Uint8Array : undefined;
        obj = Ctor === undefined ? bytes : new Ctor(bytes);
      }
      decoded.push([track(id, obj, kind, kind === Kind.Object ? cls : kind === Kind.Bytes ? cls : undefined), payload]);
    }
    const resolve = (v: unknown): unknown => {
      const id = refId(v);
      return id === undefined ? v : recs.get(id)?.obj;
    };
    for (const [rec, payload] of decoded) {
      const obj = rec.obj as Record<string, unknown>;
      if (rec.kind === Kind.Object) {
        const entries = payload as unknown[];
        if (rec.id === 0) {
          const present = new Set<unknown>();
          for (let i = 0; i < entries.length; i += 2) present.add(entries[i]);
          for (const key of fieldsOf(obj, true)) if (!present.has(key)) delete obj[key];
        }
        for (let i = 0; i < entries.length; i += 2) putField(obj, entries[i] as string, resolve(entries[i + 1]));
      } else if (rec.kind === Kind.Array) {
        const items = payload as unknown[];
        const arr = obj as unknown as unknown[];
        arr.length = items.length;
        for (let i = 0; i < items.length; i++) if (!isHole(items[i])) arr[i] = resolve(items[i]);
      } else if (rec.kind === Kind.Map || rec.kind === Kind.Set) {
        const saved: Saved =
          rec.kind === Kind.Map ? { kind: Kind.Map, entries: (payload as unknown[]).map(resolve) } : { kind: Kind.Set, values: (payload as unknown[]).map(resolve) };
        restoreContents(obj, saved, false);
      }
    }
    for (const [id, part, data] of pages) {
      const rec = recs.get(id);
      if (rec?.view !== undefined) call(taSet, rec.view, data, (part - 1) * PAGE_BYTES);
    }
    for (const [id, size] of sizes) {
      const rec = recs.get(id);
      if (rec !== undefined) rec.size = size;
    }
    nextId = meta.nextId;
    totalBytes = meta.bytes;
    churn = 0;
    live = recs.size;
    return unknown;
  };

  /** Makes the rows of a heap restored from the earlier format part of the next commit. */
  const adopt = (root: object, prng: readonly number[]): number => {
    const out = persist(root, true, prng);
    begin();
    carry = out?.rows ?? [];
    return out?.bytes ?? 0;
  };

  return {
    object,
    keyed,
    markElements,
    dataView,
    persist,
    unpersist,
    rollback,
    mark,
    unmark,
    rewind,
    begin,
    load,
    adopt,
    /** Whether `o` is a tracked heap object (for tests). */
    isTracked: (o: object): boolean => trackedGet(o) !== undefined,
  };
}

/** One sandbox's heap tracker. */
export type HeapTracker = ReturnType<typeof createHeapTracker>;
