/**
 * Maps positions in a canister bundle back to its TypeScript sources, for stack traces in
 * canister logs. Lines survive the bundler's instrumentation (it adds nothing but a prelude on
 * line 1); columns may drift by the instrumentation's width, which still lands on the right line.
 */
import { SourceMap } from 'node:module';
import path from 'node:path';

const FRAME = /(canister:[^\s/]+\/index\.js):(\d+):(\d+)/g;

/** A canister bundle's source map. */
export class BundleSourceMap {
  readonly #map: SourceMap;

  constructor(json: string) {
    this.#map = new SourceMap(JSON.parse(json) as ConstructorParameters<typeof SourceMap>[0]);
  }

  /** Rewrites every `canister:<id>/index.js:line:col` in `text` to `source.ts:line:col`. */
  rewrite(text: string): string {
    return text.replace(FRAME, (whole, _file: string, line: string, col: string) => {
      const entry = this.#map.findEntry(Number(line) - 1, Number(col) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (entry.originalSource === undefined || entry.originalLine === undefined) return whole;
      const source = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : entry.originalSource;
      return `${path.relative(process.cwd(), path.resolve(source))}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    });
  }
}
