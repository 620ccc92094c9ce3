/**
 * The rows of a commit: each changed or new heap object encoded as one row (its own contents
 * one level deep, every object it holds as a reference), objects it holds that are new to the
 * heap tracked as they are met, and a large byte array written page by page. A value that
 * cannot be persisted stops the commit with its field path from the root. Also the walk that
 * finds what a collection keeps: the tracked objects still reachable from the root.
 */
import { HeapLimitError, UnpersistableError } from './heap-graph.js';
import { Kind, classify, forEachValue, refusePrimitive, type Saved } from './heap-objects.js';
import { slice, type Rec } from './heap-record.js';
import { PAGE_BYTES, encodeRow, hole, ref } from './heap-rows.js';

/**
 * What a commit's encoder reads and updates of the tracker. The tracker makes one encoder and
 * sets the first four fields anew for each commit (no closures per commit).
 */
export interface EncodeContext {
  /** The canister instance (the heap's root, id 0). */
  root: object;
  /** The commit's flat `[id, part, data, …]` rows, appended to. */
  rows: unknown[];
  /** Records of the objects new to the heap in this commit, appended to (then encoded too). */
  added: Rec[];
  /** The heap limit a new large byte array may not take the heap past. */
  maxBytes: number;
  readonly recordOf: (o: unknown) => Rec | undefined;
  /** Tracks an object new to the heap under the next id. */
  readonly trackNew: (obj: object, kind: Kind, cls: string | undefined) => Rec;
  /** Sets a record's row size (remembering the old one, so a refused commit can restore it). */
  readonly resize: (rec: Rec, size: number) => void;
  /** Bytes of every row of the heap so far. */
  readonly totalBytes: () => number;
  /** The root's row, kept in the meta row rather than as a row of its own. */
  readonly setRootRow: (row: Uint8Array) => void;
}

/** The path from the root to `target`, for error messages (only computed on an error). */
function pathOf(root: object, target: object): string {
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
}

/** The records of the tracked objects reachable from `root` (what survives a collection). */
export function reachable(root: object, recordOf: (o: unknown) => Rec | undefined): Set<Rec> {
  const reached = new Set<Rec>();
  const stack: Rec[] = [];
  const rootRec = recordOf(root);
  if (rootRec !== undefined) {
    reached.add(rootRec);
    stack.push(rootRec);
  }
  while (stack.length > 0) {
    const rec = stack.pop() as Rec;
    forEachValue(rec.obj, rec.kind, rec.id === 0, (v) => {
      const child = recordOf(v);
      if (child !== undefined && !reached.has(child)) {
        reached.add(child);
        stack.push(child);
      }
    });
  }
  return reached;
}

/** The encoders of one commit's rows. */
export function rowEncoder(ctx: EncodeContext): {
  encodeObject: (rec: Rec, now: Saved) => void;
  encodeBytes: (rec: Rec, pages: Iterable<number> | undefined) => void;
} {
  const { recordOf, trackNew, resize, totalBytes, setRootRow } = ctx;
  /** Where a value sits in its owner, for error paths only (built when an error is thrown). */
  const where = (kind: Kind, at: unknown, key: unknown): string => {
    if (kind === Kind.Object) return `.${at as string}`;
    if (kind === Kind.Array) return `[${at as number}]`;
    if (kind === Kind.Set) return ' member';
    // Map: `at` is the key's index; only primitive keys are named (`String` of an object key
    // would run its `toString`).
    if (((at as number) & 1) === 0) return ' key';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are excluded by the typeof guard
    return `.get(${typeof key === 'object' || typeof key === 'function' ? '…' : String(key)})`;
  };
  const refuse = (owner: Rec, at: unknown, key: unknown, why: string): never => {
    throw new UnpersistableError(
      `${pathOf(ctx.root, owner.obj)}${where(owner.kind, at, key)} ${why}`,
    );
  };
  const encodeValue = (owner: Rec, v: unknown, at: unknown, key: unknown): unknown => {
    if (typeof v !== 'object' || v === null) {
      const refused = refusePrimitive(v);
      if (refused !== undefined) refuse(owner, at, key, refused);
      return v;
    }
    const known = recordOf(v);
    if (known !== undefined) return ref(known.id);
    const c = classify(v);
    if ('refused' in c) refuse(owner, at, key, c.refused);
    const rec = trackNew(v, (c as { kind: Kind }).kind, (c as { cls: string | undefined }).cls);
    ctx.added.push(rec);
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
        for (let i = 0; i < items.length; i++)
          out[i] = i in items ? encodeValue(rec, items[i], i, undefined) : hole;
        payload = out;
        break;
      }
      case Kind.Object: {
        const entries = now.entries;
        for (let i = 1; i < entries.length; i += 2)
          entries[i] = encodeValue(rec, entries[i], entries[i - 1], undefined);
        payload = entries;
        break;
      }
      case Kind.Map: {
        const entries = now.entries;
        for (let i = 0; i < entries.length; i++)
          entries[i] = encodeValue(rec, entries[i], i, entries[i & ~1]);
        payload = entries;
        break;
      }
      case Kind.Set: {
        const values = now.values;
        for (let i = 0; i < values.length; i++)
          values[i] = encodeValue(rec, values[i], i, undefined);
        payload = values;
        break;
      }
    }
    const row = encodeRow(rec.kind, rec.cls, payload);
    if (rec.id === 0) setRootRow(row);
    else {
      // Index writes, not `push` (the realm's `push` is the write barrier's wrapper).
      const rows = ctx.rows;
      const at = rows.length;
      rows[at] = rec.id;
      rows[at + 1] = 0;
      rows[at + 2] = row;
    }
    resize(rec, row.length);
  };
  const encodeBytes = (rec: Rec, pages: Iterable<number> | undefined): void => {
    const { rows, maxBytes } = ctx;
    const view = rec.view as Uint8Array;
    if (view.length <= PAGE_BYTES) {
      const row = encodeRow(rec.kind, rec.cls, slice(view, 0, view.length));
      rows.push(rec.id, 0, row);
      resize(rec, row.length);
      return;
    }
    if (pages === undefined) {
      if (totalBytes() + view.length > maxBytes) {
        throw new HeapLimitError(
          `heap memory limit exceeded: the canister's heap would hold more than its limit of ${maxBytes} bytes`,
        );
      }
      const row = encodeRow(rec.kind, rec.cls, view.length);
      rows.push(rec.id, 0, row);
      resize(rec, row.length + view.length);
      pages = Array.from({ length: Math.ceil(view.length / PAGE_BYTES) }, (_, p) => p);
    }
    for (const p of pages)
      rows.push(rec.id, p + 1, slice(view, p * PAGE_BYTES, (p + 1) * PAGE_BYTES));
  };
  return { encodeObject, encodeBytes };
}
