/**
 * Loading a stored heap: rows decoded into objects of the right kind (class instances get
 * their registered prototype), tracked under their ids, then every reference resolved and
 * every large byte array's pages copied in. The root row loads into the canister instance
 * itself, whose fields not in the row are deleted.
 */
import { Kind, call, fieldsOf, putField, restoreContents, type Saved } from './heap-objects.js';
import { TYPED_ARRAYS, slice, taSet, type Rec } from './heap-record.js';
import { PAGE_BYTES, decodeRow, isHole, refId, type HeapMeta } from './heap-rows.js';

const create = Object.create;

/** What loading needs of the tracker: its class registry and its records. */
export interface LoadTarget {
  readonly classOf: (name: string) => object | undefined;
  /** Tracks `obj` under `id`. */
  readonly track: (id: number, obj: object, kind: Kind, cls: string | undefined) => Rec;
  /** The record with this id, once tracked. */
  readonly recordOf: (id: number) => Rec | undefined;
}

/**
 * Loads stored rows into `root` (the freshly constructed instance) and the objects they
 * reference, tracking each. Returns the names of classes it could not find (their instances
 * load as plain objects).
 */
export function loadRows(
  target: LoadTarget,
  root: object,
  meta: HeapMeta,
  stored: ReadonlyArray<readonly [number, number, Uint8Array]>,
): Set<string> {
  const { classOf, track, recordOf } = target;
  const unknown = new Set<string>();
  const decoded: Array<[Rec, unknown]> = [];
  const pages: Array<[number, number, Uint8Array]> = [];
  const sizes = new Map<number, number>();
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
      const bytes =
        typeof payload === 'number'
          ? new ArrayBuffer(payload)
          : (slice(payload as Uint8Array, 0, (payload as Uint8Array).length).buffer as ArrayBuffer);
      const Ctor =
        kind === Kind.Bytes ? (TYPED_ARRAYS[cls ?? 'Uint8Array'] ?? Uint8Array) : undefined;
      obj = Ctor === undefined ? bytes : new Ctor(bytes);
    }
    decoded.push([
      track(id, obj, kind, kind === Kind.Object ? cls : kind === Kind.Bytes ? cls : undefined),
      payload,
    ]);
  }
  const resolve = (v: unknown): unknown => {
    const id = refId(v);
    return id === undefined ? v : recordOf(id)?.obj;
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
      for (let i = 0; i < entries.length; i += 2)
        putField(obj, entries[i] as string, resolve(entries[i + 1]));
    } else if (rec.kind === Kind.Array) {
      const items = payload as unknown[];
      const arr = obj as unknown as unknown[];
      arr.length = items.length;
      for (let i = 0; i < items.length; i++) if (!isHole(items[i])) arr[i] = resolve(items[i]);
    } else if (rec.kind === Kind.Map || rec.kind === Kind.Set) {
      const saved: Saved =
        rec.kind === Kind.Map
          ? { kind: Kind.Map, entries: (payload as unknown[]).map(resolve) }
          : { kind: Kind.Set, values: (payload as unknown[]).map(resolve) };
      restoreContents(obj, saved, false);
    }
  }
  for (const [id, part, data] of pages) {
    const rec = recordOf(id);
    if (rec?.view !== undefined) call(taSet, rec.view, data, (part - 1) * PAGE_BYTES);
  }
  for (const [id, size] of sizes) {
    const rec = recordOf(id);
    if (rec !== undefined) rec.size = size;
  }
  return unknown;
}
