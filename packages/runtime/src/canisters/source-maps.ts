/**
 * Maps positions in a canister bundle back to its TypeScript sources, for stack traces in
 * canister logs. Lines survive the bundler's instrumentation (it adds nothing but a prelude on
 * line 1); columns may drift by the instrumentation's width, which still lands on the right line.
 */
import { SourceMap } from 'node:module';
import path from 'node:path';

const FRAME = /(canister:[^\s/]+\/index\.js):(\d+):(\d+)/g;

/** Source maps kept per process, by their text: canisters of one bundle share one. */
const SHARED_MAPS = 16;
const shared = new Map<string, BundleSourceMap>();

/**
 * The source map of `json`, shared by every canister installed with the same text (the map
 * of a bundle is one string, so the lookup is by identity most of the time).
 */
export function sharedSourceMap(json: string): BundleSourceMap {
  let map = shared.get(json);
  if (map === undefined) {
    map = new BundleSourceMap(json);
    if (shared.size >= SHARED_MAPS) shared.delete(shared.keys().next().value as string);
  } else shared.delete(json);
  shared.set(json, map);
  return map;
}

/**
 * A canister bundle's source map, parsed when a log line first needs it: most canisters never
 * log a stack trace, and parsing a bundle's map takes about 10 ms.
 */
export class BundleSourceMap {
  readonly #json: string;
  #map: SourceMap | undefined;

  constructor(json: string) {
    this.#json = json;
  }

  get #parsed(): SourceMap {
    this.#map ??= new SourceMap(
      JSON.parse(this.#json) as ConstructorParameters<typeof SourceMap>[0],
    );
    return this.#map;
  }

  /** Rewrites every `canister:<id>/index.js:line:col` in `text` to `source.ts:line:col`. */
  rewrite(text: string): string {
    return text.replace(FRAME, (whole, _file: string, line: string, col: string) => {
      const entry = this.#parsed.findEntry(Number(line) - 1, Number(col) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (entry.originalSource === undefined || entry.originalLine === undefined) return whole;
      const source = entry.originalSource.startsWith('file://')
        ? new URL(entry.originalSource).pathname
        : entry.originalSource;
      return `${path.relative(process.cwd(), path.resolve(source))}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    });
  }
}
