/**
 * What a program loads, read from source: from an entry file, every module it reaches through
 * value imports (static `import … from`, `export … from`, side-effect imports) and through
 * dynamic imports of its own files, into workspace packages through their `source` entries.
 * Type-only imports are erased by the compiler and load nothing, so they are skipped. The
 * client-imports test uses this to show that the CLI's client commands load no server code.
 */
import fs from 'node:fs';
import path from 'node:path';

/** One import a reached module makes of a package outside the workspace (or of a workspace package). */
export interface ReachedImport {
  /** The importing file, absolute. */
  readonly file: string;
  /** The package name (`esbuild`, `@tincan/replica`, `node:fs`, …). */
  readonly target: string;
  readonly dynamic: boolean;
}

/** What a walk from an entry found. */
export interface Reach {
  readonly files: ReadonlySet<string>;
  readonly imports: readonly ReachedImport[];
}

/** How a walk treats particular files and imports. */
export interface WalkOptions {
  /** Files whose imports are not followed (the walk records that it reached them). */
  readonly stopAt?: (file: string) => boolean;
  /** The repository root, where `packages/<name>` are the workspace packages. */
  readonly root: string;
}

interface Specifier {
  readonly text: string;
  readonly dynamic: boolean;
}

const STATIC =
  /(?:^|[;\n}])\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*(['"])([^'"\n]+)\4|(?:^|[;\n}])\s*import\s*(['"])([^'"\n]+)\6/g;
const DYNAMIC = /\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g;

/** The value imports of a source text (type-only ones left out), comments stripped. */
export function valueSpecifiers(source: string): Specifier[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const found: Specifier[] = [];
  for (const m of code.matchAll(STATIC)) {
    if (m[7] !== undefined) {
      found.push({ text: m[7], dynamic: false });
      continue;
    }
    const typeOnly = m[2] !== undefined || isTypeOnlyClause(m[3] ?? '');
    if (!typeOnly) found.push({ text: m[5] as string, dynamic: false });
  }
  for (const m of code.matchAll(DYNAMIC)) found.push({ text: m[2] as string, dynamic: true });
  return found;
}

/** `{ type A, type B }` imports only types; `{ type A, b }` or a default/namespace import does not. */
function isTypeOnlyClause(clause: string): boolean {
  const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
  if (braces === null) return false;
  const names = (braces[1] as string)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n.length > 0);
  return names.length > 0 && names.every((n) => n.startsWith('type '));
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base,
    `${base}.ts`,
    path.join(base, 'index.ts'),
  ];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

function resolveWorkspace(root: string, specifier: string): string | undefined {
  const name = packageOf(specifier);
  const dir = path.join(root, 'packages', name.slice(name.indexOf('/') + 1));
  const manifestPath = path.join(dir, 'package.json');
  if (!fs.existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    exports?: Record<string, { source?: string } | string>;
  };
  const sub = specifier === name ? '.' : `./${specifier.slice(name.length + 1)}`;
  const entry = manifest.exports?.[sub];
  const source = typeof entry === 'object' ? entry.source : undefined;
  return source === undefined ? undefined : path.join(dir, source);
}

/** Walks from `entry` through the modules it loads. */
export function reach(entry: string, options: WalkOptions): Reach {
  const files = new Set<string>();
  const imports: ReachedImport[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    if (options.stopAt?.(file) === true) continue;
    for (const spec of valueSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (spec.text.startsWith('.')) {
        const target = resolveRelative(file, spec.text);
        if (target !== undefined) queue.push(target);
        continue;
      }
      imports.push({ file, target: packageOf(spec.text), dynamic: spec.dynamic });
      if (spec.text.startsWith('@tincan/')) {
        const target = resolveWorkspace(options.root, spec.text);
        if (target !== undefined) queue.push(target);
      }
    }
  }
  return { files, imports };
}
