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
import {
  Kind,
  call,
  restoreContents,
  sameSaved,
  saveContents,
  type Saved,
} from './heap-objects.js';
import { reachable, rowEncoder, type EncodeContext } from './heap-encode.js';
import { loadRows } from './heap-load.js';
import {
  abByteLength,
  dvBuffer,
  dvByteOffset,
  getBuffer,
  getByteLength,
  getByteOffset,
  slice,
  taSet,
  type HeapDeltaOut,
  type Rec,
  type UndoEntry,
} from './heap-record.js';
import { PAGE_BYTES, encodeMeta, type HeapMeta } from './heap-rows.js';

const { floor, min, max } = Math;
/** What the shared encoder holds between commits: nothing (never appended to). */
const IDLE: never[] = [];
const isView = ArrayBuffer.isView;

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
    | {
        undo: UndoEntry[];
        epoch: number;
        added: Rec[];
        /** Flat `[rec, size before, …]` of the row sizes the commit changed. */
        sizes: Array<Rec | number>;
        nextId: number;
        bytes: number;
        removed: Rec[];
        carried: unknown[];
        root: Uint8Array | undefined;
        framed: boolean;
      }
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
    const rec: Rec = {
      id,
      obj,
      kind,
      cls,
      epoch: 0,
      entry: undefined,
      view,
      buffer,
      offset,
      size: 0,
    };
    tracked.set(obj, rec);
    recs.set(id, rec);
    if (buffer !== undefined) {
      const list = owners.get(buffer);
      if (list === undefined) owners.set(buffer, [rec]);
      else list.push(rec);
    }
    return rec;
  };

  /** The row sizes the running commit changed (its `sizes`). */
  let commitSizes: Array<Rec | number> = [];
  /** One encoder for every commit: each commit sets the context's first four fields. */
  const encodeContext: EncodeContext = {
    root: {},
    rows: [],
    added: [],
    maxBytes: Infinity,
    recordOf: (o) => trackedGet(o),
    trackNew: (obj, kind, cls) => track(nextId++, obj, kind, cls),
    resize: (rec, size) => {
      // Index writes, not `push` (the realm's `push` is the write barrier's wrapper).
      const at = commitSizes.length;
      commitSizes[at] = rec;
      commitSizes[at + 1] = rec.size;
      totalBytes += size - rec.size;
      rec.size = size;
    },
    totalBytes: () => totalBytes,
    setRootRow: (row) => {
      rootRow = row;
    },
  };
  const { encodeObject, encodeBytes } = rowEncoder(encodeContext);

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
    // An index write, not `push`: the realm's `push` is the write barrier's wrapper.
    undo[undo.length] = {
      rec,
      saved: saveContents(rec.obj, rec.kind, rec.id === 0),
      pages: undefined,
    };
  };

  const markPage = (rec: Rec, page: number): void => {
    if (rec.epoch !== epoch || rec.entry === undefined) {
      rec.epoch = epoch;
      rec.entry = { rec, saved: undefined, pages: new Map() };
      undo.push(rec.entry);
    }
    const pages = rec.entry.pages as Map<number, Uint8Array>;
    if (!pages.has(page))
      pages.set(page, slice(rec.view as Uint8Array, page * PAGE_BYTES, (page + 1) * PAGE_BYTES));
  };

  /** Marks bytes `[from, to)` of `buffer` written, in every tracked object over them. */
  const markBuffer = (buffer: ArrayBuffer, from: number, to: number): void => {
    const list = owners.get(buffer);
    if (list === undefined) return;
    for (const rec of list) {
      const start = max(from - rec.offset, 0);
      const end = min(to - rec.offset, (rec.view as Uint8Array).length);
      if (start >= end) continue;
      for (let p = floor(start / PAGE_BYTES); p <= floor((end - 1) / PAGE_BYTES); p++)
        markPage(rec, p);
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

  /**
   * Turns the commit's output into a delta, or undefined when nothing changed. Byte arrays new
   * to the heap that would take it past `maxBytes` stop the commit before they are copied
   * (copying a gigabyte takes seconds, and such a heap could never be committed anyway).
   */
  const persist = (
    root: object,
    prngChanged: boolean,
    prng: readonly number[],
    maxBytes = Infinity,
  ): HeapDeltaOut | undefined => {
    const rows: unknown[] = carry;
    const carried = carry.length;
    const added: Rec[] = [];
    const sizes: Array<Rec | number> = [];
    const startNext = nextId;
    const startBytes = totalBytes;
    const startRoot = rootRow;
    encodeContext.root = root;
    encodeContext.rows = rows;
    encodeContext.added = added;
    encodeContext.maxBytes = maxBytes;
    commitSizes = sizes;
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
      restoreSizes(sizes);
      nextId = startNext;
      totalBytes = startBytes;
      rootRow = startRoot;
      rows.length = carried;
      encodeContext.rows = IDLE;
      encodeContext.added = IDLE;
      throw err;
    }
    // Nothing of this commit stays reachable through the shared encoder.
    encodeContext.rows = IDLE;
    encodeContext.added = IDLE;
    churn += undo.length + added.length;
    const removed = churn > max(1024, live) ? collect(root, rows) : [];
    pending = {
      undo,
      epoch,
      added,
      sizes,
      nextId: startNext,
      bytes: startBytes,
      removed,
      carried: rows.slice(0, carried),
      root: startRoot,
      framed,
    };
    epoch++;
    undo = [];
    framed = false;
    if (rows.length === 0 && !prngChanged && rootRow === startRoot) return undefined;
    carry = [];
    return {
      meta: encodeMeta({ prng, nextId, bytes: totalBytes, root: rootRow }),
      bytes: totalBytes,
      rows,
    };
  };

  /** Puts back the row sizes a commit changed (flat `[rec, size before, …]`), newest first. */
  const restoreSizes = (sizes: ReadonlyArray<Rec | number>): void => {
    for (let i = sizes.length - 2; i >= 0; i -= 2) (sizes[i] as Rec).size = sizes[i + 1] as number;
  };

  /** Forgets objects no longer reachable from the root; adds the deletes of their rows. */
  const collect = (root: object, rows: unknown[]): Rec[] => {
    churn = 0;
    const reached = reachable(root, trackedGet);
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
      if (rec.buffer !== undefined)
        owners.set(rec.buffer, [...(owners.get(rec.buffer) ?? []), rec]);
    }
    restoreSizes(pending.sizes);
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
        for (const [p, before] of pages as Map<number, Uint8Array>)
          call(taSet, rec.view, before, p * PAGE_BYTES);
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
  const load = (
    root: object,
    meta: HeapMeta,
    stored: ReadonlyArray<readonly [number, number, Uint8Array]>,
  ): Set<string> => {
    tracked = new WeakMap();
    trackedGet = WeakMap.prototype.get.bind(tracked) as (o: unknown) => Rec | undefined;
    recs = new Map();
    owners = new Map();
    undo = [];
    marks = 0;
    pending = undefined;
    rootRow = meta.root;
    const unknown = loadRows(
      { classOf, track, recordOf: (id) => recs.get(id) },
      root,
      meta,
      stored,
    );
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
    /** Whether the heap holds any typed array or buffer (else no byte write needs marking). */
    bytesTracked: (): boolean => owners.size > 0,
    /** Whether `o` is a tracked heap object (for tests). */
    isTracked: (o: object): boolean => trackedGet(o) !== undefined,
  };
}

/** One sandbox's heap tracker. */
export type HeapTracker = ReturnType<typeof createHeapTracker>;
