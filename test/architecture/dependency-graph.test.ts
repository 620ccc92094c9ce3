import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cyclesOf,
  dependencyProblems,
  fileGraph,
  packageImports,
  readPackages,
  specifiersOf,
  type PackageInfo,
} from './import-graph.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Package-level edges from declared dependencies. */
function packageGraph(packages: readonly PackageInfo[]): Map<string, Set<string>> {
  return new Map(packages.map((pkg) => [pkg.name, new Set(pkg.declared)]));
}

function allProblems(repoRoot: string): string[] {
  const packages = readPackages(repoRoot);
  const problems = packages.flatMap((pkg) => dependencyProblems(pkg, packageImports(pkg)));
  for (const cycle of cyclesOf(packageGraph(packages)))
    problems.push(`package cycle: ${cycle.join(' → ')}`);
  for (const pkg of packages) {
    for (const cycle of cyclesOf(fileGraph(pkg)))
      problems.push(
        `file cycle in ${pkg.name}: ${cycle.map((f) => path.relative(pkg.dir, f)).join(', ')}`,
      );
  }
  return problems;
}

describe('the workspace dependency graph', () => {
  it('imports only what each package declares, declares only what it imports, and has no package or file cycle', () => {
    expect(allProblems(root)).toEqual([]);
  });

  it('keeps canister code (the CDK) and its layer below free of host packages', () => {
    const packages = readPackages(root);
    const host = new Set([
      '@tincan/runtime',
      '@tincan/replica',
      '@tincan/storage-sqlite',
      '@tincan/bundler',
      '@tincan/http',
      '@tincan/cli',
      '@tincan/testing',
    ]);
    const lowLayer = packages.filter((pkg) =>
      ['@tincan/abi', '@tincan/bytes', '@tincan/errors', '@tincan/candid', '@tincan/cdk'].includes(
        pkg.name,
      ),
    );
    const offending = lowLayer.flatMap((pkg) =>
      packageImports(pkg)
        .filter((imp) => host.has(imp.target))
        .map((imp) => `${pkg.name} → ${imp.target}`),
    );
    expect(offending).toEqual([]);
  });
});

describe('the graph check itself', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-graph-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  function writePackage(
    name: string,
    deps: Record<string, string>,
    files: Record<string, string>,
  ): void {
    const dir = path.join(tmp, 'packages', name);
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: `@tincan/${name}`, dependencies: deps }),
    );
    for (const [file, text] of Object.entries(files))
      fs.writeFileSync(path.join(dir, 'src', file), text);
  }

  it('passes a clean tree, then fails when a forbidden import, an unused dependency or a cycle is added', () => {
    writePackage(
      'low',
      {},
      { 'index.ts': "export * from './a.js';\n", 'a.ts': 'export const a = 1;\n' },
    );
    writePackage(
      'high',
      { '@tincan/low': '*' },
      { 'index.ts': "import { a } from '@tincan/low';\nexport const b = a;\n" },
    );
    expect(allProblems(tmp)).toEqual([]);

    // A low package importing a higher one it does not declare.
    fs.writeFileSync(
      path.join(tmp, 'packages/low/src/up.ts'),
      "import { b } from '@tincan/high';\nexport const c = b;\n",
    );
    expect(allProblems(tmp)).toEqual([
      '@tincan/low: src/up.ts imports @tincan/high, which package.json does not declare',
    ]);
    fs.rmSync(path.join(tmp, 'packages/low/src/up.ts'));

    // Declaring it makes a package cycle.
    writePackage(
      'low',
      { '@tincan/high': '*' },
      { 'up.ts': "export { b } from '@tincan/high';\n" },
    );
    expect(allProblems(tmp)).toContain('package cycle: @tincan/high → @tincan/low');
    writePackage('low', {}, {});
    fs.rmSync(path.join(tmp, 'packages/low/src/up.ts'));

    // A declared dependency nothing imports.
    writePackage('high', { '@tincan/low': '*' }, { 'index.ts': 'export const b = 2;\n' });
    expect(allProblems(tmp)).toEqual(['@tincan/high: declares @tincan/low but never imports it']);
    writePackage(
      'high',
      { '@tincan/low': '*' },
      { 'index.ts': "import { a } from '@tincan/low';\nexport const b = a;\n" },
    );

    // Two files importing each other.
    fs.writeFileSync(
      path.join(tmp, 'packages/low/src/a.ts'),
      "import { d } from './d.js';\nexport const a = d;\n",
    );
    fs.writeFileSync(
      path.join(tmp, 'packages/low/src/d.ts'),
      "import type { a } from './a.js';\nexport const d = 1 as typeof a;\n",
    );
    expect(allProblems(tmp)).toEqual(['file cycle in @tincan/low: src/a.ts, src/d.ts']);
  });

  it('reads static, dynamic, re-export and resolve specifiers, and ignores comments', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '@tincan/b';",
      "export * from './c.js';",
      "const d = await import('@tincan/d');",
      "require.resolve('@tincan/e/package.json');",
      "// import x from '@tincan/commented';",
      "/* import y from '@tincan/block'; */",
    ].join('\n');
    expect(specifiersOf(text)).toEqual([
      './a.js',
      '@tincan/b',
      './c.js',
      '@tincan/d',
      '@tincan/e/package.json',
    ]);
  });
});
