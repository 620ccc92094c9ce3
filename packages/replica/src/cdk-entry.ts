import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * The CDK's source entry. Canisters are always bundled from CDK sources, so deploying works the
 * same from a workspace checkout and from built packages.
 */
export function cdkEntry(): string {
  // Resolved once per process: module resolution reads the file system, and every deploy asks.
  entry ??= path.join(path.dirname(require.resolve('@tincan/cdk/package.json')), 'src', 'index.ts');
  return entry;
}

let entry: string | undefined;
