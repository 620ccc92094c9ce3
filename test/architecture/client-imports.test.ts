import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { reach, valueSpecifiers, type Reach } from './client-imports.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What a client command must never load: the replica and what only a server needs. */
const SERVER_PACKAGES = [
  '@tincan/replica',
  '@tincan/runtime',
  '@tincan/storage-sqlite',
  '@tincan/bundler',
  'better-sqlite3',
  'esbuild',
];
const SERVER_DIRS = ['replica', 'runtime', 'storage-sqlite', 'bundler'].map(
  (name) => `${path.sep}packages${path.sep}${name}${path.sep}`,
);

/**
 * What the `tincan` bin loads for any command but `start` and `dev` (their modules are not
 * entered) and the bundling path of `deploy` and `canister install` (`deploy.ts` loads the
 * replica lazily, only to bundle), into workspace packages too.
 */
function clientReach(cliSrc: string, repoRoot: string): Reach {
  const servers = new Set(['start.ts', 'dev.ts'].map((f) => path.join(cliSrc, f)));
  return reach(path.join(cliSrc, 'bin', 'tincan.ts'), {
    root: repoRoot,
    stopAt: (file) => servers.has(file) || SERVER_DIRS.some((dir) => file.includes(dir)),
  });
}

/** Server imports a client path makes: any in a reached file, except `deploy.ts`'s lazy ones. */
function serverImports(found: Reach, cliSrc: string, repoRoot: string): string[] {
  const bundlingPath = path.join(cliSrc, 'deploy.ts');
  return found.imports
    .filter(
      (imp) => SERVER_PACKAGES.includes(imp.target) && !(imp.dynamic && imp.file === bundlingPath),
    )
    .map(
      (imp) =>
        `${path.relative(repoRoot, imp.file)} ${imp.dynamic ? 'lazily imports' : 'imports'} ${imp.target}`,
    );
}

describe("the CLI's client commands", () => {
  it('load no replica, runtime, SQLite, bundler or esbuild code, directly or through other modules', () => {
    const cliSrc = path.join(root, 'packages/cli/src');
    const found = clientReach(cliSrc, root);
    // The walk really covers the client commands and the packages they use.
    for (const file of [
      'commands/canister.ts',
      'commands/canister-manage.ts',
      'canister-call.ts',
      'canister-admin.ts',
      'management.ts',
      'connect.ts',
    ]) {
      expect(found.files).toContain(path.join(cliSrc, file));
    }
    expect(found.files).toContain(path.join(root, 'packages/candid/src/management-idl.ts'));
    expect(serverImports(found, cliSrc, root)).toEqual([]);
  });
});

describe('the client import check itself', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-client-imports-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(path.join(tmp, file)), { recursive: true });
    fs.writeFileSync(path.join(tmp, file), text);
  }

  it('passes a clean tree, then fails on a server import reached through a relative import or a workspace package', () => {
    const cliSrc = path.join(tmp, 'packages/cli/src');
    write(
      'packages/helper/package.json',
      JSON.stringify({ name: '@tincan/helper', exports: { '.': { source: './src/index.ts' } } }),
    );
    write('packages/helper/src/index.ts', 'export const help = 1;\n');
    write(
      'packages/cli/src/bin/tincan.ts',
      "import { run } from '../commands.js';\nawait run();\n",
    );
    write(
      'packages/cli/src/commands.ts',
      "import type { Replica } from '@tincan/replica';\nexport async function run(): Promise<Replica | undefined> {\n  await import('./call.js');\n  await import('./start.js');\n  return undefined;\n}\n",
    );
    write(
      'packages/cli/src/call.ts',
      "import { help } from '@tincan/helper';\nexport const call = help;\n",
    );
    write(
      'packages/cli/src/start.ts',
      "import { Replica } from '@tincan/replica';\nexport const start = Replica;\n",
    );
    write(
      'packages/cli/src/deploy.ts',
      "export async function bundle() {\n  return import('@tincan/replica');\n}\n",
    );
    expect(serverImports(clientReach(cliSrc, tmp), cliSrc, tmp)).toEqual([]);

    // A client module that imports the runtime through a file of its own.
    write(
      'packages/cli/src/call.ts',
      "import { help } from '@tincan/helper';\nimport { x } from './util.js';\nexport const call = help + x;\n",
    );
    write(
      'packages/cli/src/util.ts',
      "import { Runtime } from '@tincan/runtime';\nexport const x = Runtime ? 1 : 0;\n",
    );
    expect(serverImports(clientReach(cliSrc, tmp), cliSrc, tmp)).toEqual([
      `packages/cli/src/util.ts imports @tincan/runtime`,
    ]);
    write('packages/cli/src/util.ts', 'export const x = 1;\n');

    // A workspace package the client uses that loads esbuild.
    write('packages/helper/src/index.ts', "export * from './more.js';\nexport const help = 1;\n");
    write(
      'packages/helper/src/more.ts',
      "import { build } from 'esbuild';\nexport const more = build;\n",
    );
    expect(serverImports(clientReach(cliSrc, tmp), cliSrc, tmp)).toEqual([
      `packages/helper/src/more.ts imports esbuild`,
    ]);
    write('packages/helper/src/index.ts', 'export const help = 1;\n');

    // A lazy import of the replica outside deploy's bundling path.
    write(
      'packages/cli/src/call.ts',
      "export async function call() {\n  return import('@tincan/replica');\n}\n",
    );
    expect(serverImports(clientReach(cliSrc, tmp), cliSrc, tmp)).toEqual([
      `packages/cli/src/call.ts lazily imports @tincan/replica`,
    ]);
  });

  it('skips type-only imports and comments, and keeps value and side-effect imports', () => {
    const text = [
      "import type { A } from 'a-types';",
      "import { type B, type C } from 'bc-types';",
      "import { type D, e } from 'de-values';",
      "import f from 'f-default';",
      "import 'side-effect';",
      "export { g } from 'g-reexport';",
      "export type { H } from 'h-types';",
      "// import { z } from 'commented';",
      "const m = await import('lazy');",
    ].join('\n');
    expect(valueSpecifiers(text).map((s) => `${s.text}${s.dynamic ? ' (dynamic)' : ''}`)).toEqual([
      'de-values',
      'f-default',
      'side-effect',
      'g-reexport',
      'lazy (dynamic)',
    ]);
  });
});
