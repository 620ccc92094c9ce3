/**
 * Canister modules as the process holds them: one entry per module, shared by every canister
 * installed with it. The entry has the module's bytes (what records and the store keep), its
 * source text (what the sandbox loads) and its SHA-256, so installing or loading the thousandth
 * copy of a module neither encodes, decodes nor hashes it again.
 */
import { createHash } from 'node:crypto';

/** One module: its source, bytes and hash. */
export interface ModuleEntry {
  readonly source: string;
  readonly bytes: Uint8Array;
  readonly hash: Uint8Array;
  /** `hash` in hex: the key of the prepared-script cache. */
  readonly hex: string;
}

/** Modules kept by source text, oldest first. */
const SOURCE_ENTRIES = 64;
const bySource = new Map<string, ModuleEntry>();
/** Modules by the bytes a record holds (records of one module share them, see the store). */
const byBytes = new WeakMap<Uint8Array, ModuleEntry>();
const utf8 = new TextDecoder();

function entryOf(source: string, bytes: Uint8Array): ModuleEntry {
  const digest = createHash('sha256').update(bytes).digest();
  const entry: ModuleEntry = {
    source,
    bytes,
    hash: new Uint8Array(digest),
    hex: digest.toString('hex'),
  };
  byBytes.set(bytes, entry);
  return entry;
}

/** The module whose source is `source` (an install's bundle). */
export function moduleOfSource(source: string): ModuleEntry {
  let entry = bySource.get(source);
  if (entry === undefined) {
    entry = entryOf(source, new TextEncoder().encode(source));
    if (bySource.size >= SOURCE_ENTRIES) bySource.delete(bySource.keys().next().value as string);
  } else bySource.delete(source);
  bySource.set(source, entry);
  return entry;
}

/** The module whose bytes are `bytes` (a stored record's module). */
export function moduleOfBytes(bytes: Uint8Array): ModuleEntry {
  return byBytes.get(bytes) ?? entryOf(utf8.decode(bytes), bytes);
}
