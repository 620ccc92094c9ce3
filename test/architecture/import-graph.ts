/**
 * Reads the workspace's import graph from source text: which `@tincan/*` packages each package
 * imports (statically, dynamically or through `require.resolve`), what its package.json declares,
 * and the relative imports between files. The dependency-graph test checks these against the
 * declared direction; the functions take a root folder so a test can run them on a synthetic tree.
 */
import fs from 'node:fs';
import path from 'node:path';

/** One workspace package as the checks see it. */
export interface PackageInfo {
  readonly name: string;
  readonly dir: string;
  /** `@tincan/*` packages in `dependencies`. */
  readonly declared: ReadonlySet<string>;
  /** `@tincan/*` packages in `devDependencies` (allowed in tests only). */
  readonly declaredDev: ReadonlySet<string>;
  /** Source files under `src/`, absolute paths. */
  readonly files: readonly string[];
}

/** One import of a workspace package from a file. */
export interface PackageImport {
  readonly file: string;
  readonly target: string;
  readonly isTest: boolean;
}

const SPECIFIER =
  /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*|\.resolve\s*\(\s*|\bimport\.meta\.resolve\s*\(\s*)(['"])([^'"\n]+)\1/g;

/** Every module specifier a source text names, comments stripped. */
export function specifiersOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: string[] = [];
  for (const match of code.matchAll(SPECIFIER)) found.push(match[2] as string);
  return found;
}

/** The package a specifier names (`@tincan/cdk/package.json` → `@tincan/cdk`), or undefined. */
export function workspacePackageOf(specifier: string, scope = '@tincan/'): string | undefined {
  if (!specifier.startsWith(scope)) return undefined;
  const [scopeName, name] = specifier.split('/');
  return `${scopeName}/${name}`;
}

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
      out.push(full);
  }
  return out;
}

/** Whether a file is a test (may use devDependencies). */
export function isTestFile(file: string): boolean {
  return /\.test\.[mc]?[jt]sx?$/.test(file);
}

/** The packages under `<root>/packages`, with their declared `@tincan/*` dependencies. */
export function readPackages(root: string, scope = '@tincan/'): PackageInfo[] {
  const packagesDir = path.join(root, 'packages');
  return fs
    .readdirSync(packagesDir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() && fs.existsSync(path.join(packagesDir, entry.name, 'package.json')),
    )
    .map((entry) => {
      const dir = path.join(packagesDir, entry.name);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const ofScope = (deps: Record<string, string> | undefined) =>
        new Set(Object.keys(deps ?? {}).filter((d) => d.startsWith(scope)));
      return {
        name: manifest.name,
        dir,
        declared: ofScope(manifest.dependencies),
        declaredDev: ofScope(manifest.devDependencies),
        files: sourceFiles(path.join(dir, 'src')),
      };
    });
}

/** Every import of a workspace package (other than itself) in a package's sources. */
export function packageImports(pkg: PackageInfo, scope = '@tincan/'): PackageImport[] {
  const out: PackageImport[] = [];
  for (const file of pkg.files) {
    for (const specifier of specifiersOf(fs.readFileSync(file, 'utf8'))) {
      const target = workspacePackageOf(specifier, scope);
      if (target !== undefined && target !== pkg.name)
        out.push({ file, target, isTest: isTestFile(file) });
    }
  }
  return out;
}

/** Problems with one package's imports against its package.json. */
export function dependencyProblems(pkg: PackageInfo, imports: readonly PackageImport[]): string[] {
  const problems: string[] = [];
  for (const imp of imports) {
    const allowed = pkg.declared.has(imp.target) || (imp.isTest && pkg.declaredDev.has(imp.target));
    if (!allowed)
      problems.push(
        `${pkg.name}: ${path.relative(pkg.dir, imp.file)} imports ${imp.target}, which package.json does not declare${imp.isTest ? ' (not even as a devDependency)' : ''}`,
      );
  }
  const used = new Set(imports.map((imp) => imp.target));
  for (const dep of [...pkg.declared, ...pkg.declaredDev]) {
    if (!used.has(dep)) problems.push(`${pkg.name}: declares ${dep} but never imports it`);
  }
  return problems;
}

/** Strongly connected components of more than one node (or a self-loop): the cycles. */
export function cyclesOf(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node) === true)
        cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return cycles;
}

const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '/index.ts'];

/** The relative-import graph between the files of one package (`.js` specifiers map to `.ts`). */
export function fileGraph(pkg: PackageInfo): Map<string, Set<string>> {
  const known = new Set(pkg.files);
  const graph = new Map<string, Set<string>>();
  for (const file of pkg.files) {
    const edges = new Set<string>();
    for (const specifier of specifiersOf(fs.readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const base = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '');
      const target = RESOLVE_SUFFIXES.map((suffix) => base + suffix).find((candidate) =>
        known.has(candidate),
      );
      if (target !== undefined) edges.add(target);
    }
    graph.set(file, edges);
  }
  return graph;
}
