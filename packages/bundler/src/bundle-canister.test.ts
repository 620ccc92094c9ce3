import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundlerError, bundleCanister } from './index.js';

const cdkEntry = fileURLToPath(new URL('../../cdk/src/index.ts', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, source: string): string => {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return file;
};

describe('bundleCanister', () => {
  it('bundles an azle-style canister with the CDK and registers it', async () => {
    const entry = write(
      'ok.ts',
      "import { IDL, query } from 'azle';\nexport default class { @query([], IDL.Text) hi(): string { return 'hi'; } }\n",
    );
    const bundle = await bundleCanister({ entry, cdkEntry });
    expect(bundle.code).toContain('registerCanisterModule(');
    expect(bundle.code).not.toMatch(/from\s+["']azle["']/);
    const map = JSON.parse(bundle.map) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith('ok.ts'))).toBe(true);
  });

  it('inlines process.env values', async () => {
    const entry = write(
      'env.ts',
      'export const region = process.env.REGION;\nexport default class {}\n',
    );
    const bundle = await bundleCanister({ entry, cdkEntry, env: { REGION: 'eu-1' } });
    expect(bundle.code).toContain('"eu-1"');
    expect(bundle.code).not.toContain('process.env');
  });

  it('refuses Node built-ins with a clear error', async () => {
    const entry = write(
      'fs.ts',
      "import { readFileSync } from 'node:fs';\nexport default class { x = readFileSync; }\n",
    );
    await expect(bundleCanister({ entry, cdkEntry })).rejects.toThrow(/cannot import 'node:fs'/);
  });

  it('reports a missing entry', async () => {
    const err = await bundleCanister({ entry: path.join(dir, 'missing.ts'), cdkEntry }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BundlerError);
    expect((err as BundlerError).code).toBe('ERR_ENTRY_NOT_FOUND');
  });

  it('reports syntax errors with their location', async () => {
    const entry = write('bad.ts', 'export default class { oops( }\n');
    await expect(bundleCanister({ entry, cdkEntry })).rejects.toThrow(/bad\.ts:1:/);
  });
});

describe('bundle cache', () => {
  it('reuses a bundle until an input file changes', async () => {
    const entry = write(
      'cached.ts',
      "import { IDL, query } from 'azle';\nexport default class { @query([], IDL.Text) v(): string { return 'one'; } }\n",
    );
    const first = await bundleCanister({ entry, cdkEntry });
    expect(await bundleCanister({ entry, cdkEntry })).toBe(first);
    await new Promise((r) => setTimeout(r, 20));
    write(
      'cached.ts',
      "import { IDL, query } from 'azle';\nexport default class { @query([], IDL.Text) v(): string { return 'two!'; } }\n",
    );
    const second = await bundleCanister({ entry, cdkEntry });
    expect(second).not.toBe(first);
    expect(second.code).toContain('two!');
  });
});
