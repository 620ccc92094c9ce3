/**
 * Reads a module's public surface (export names, value or type, and the exported symbols) with
 * the TypeScript compiler, for comparing tincan's CDK with the installed `azle` package.
 * Used by the Azle compatibility tests.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDL } from '@dfinity/candid';
import ts from 'typescript';

/** The repository's root directory. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The installed azle package (a devDependency of the repository). */
export const AZLE_DIR = path.join(REPO_ROOT, 'node_modules/azle');
/** tincan's CDK sources. */
export const CDK_SRC = path.join(REPO_ROOT, 'packages/cdk/src');

/** What a name is exported as. */
export type ExportKind = 'value' | 'type' | 'value+type';

/** One module's exports. */
export interface ModuleSurface {
  readonly file: string;
  readonly exports: ReadonlyMap<string, ExportKind>;
  /** The resolved symbol of each export, for type comparisons. */
  readonly symbols: ReadonlyMap<string, ts.Symbol>;
}

/** Azle's public entry points: `azle` and every `azle/canisters/<name>/<file>` subpath. */
export function azleEntries(): Map<string, string> {
  const entries = new Map<string, string>([
    ['azle', path.join(AZLE_DIR, 'src/stable/lib/index.ts')],
  ]);
  const canistersDir = path.join(AZLE_DIR, 'src/exports/canisters');
  for (const name of readdirSync(canistersDir).sort()) {
    for (const file of readdirSync(path.join(canistersDir, name)).sort()) {
      if (file.endsWith('.ts'))
        entries.set(
          `azle/canisters/${name}/${file.slice(0, -3)}`,
          path.join(canistersDir, name, file),
        );
    }
  }
  return entries;
}

/** Where tincan resolves an `azle` specifier for canister code (as the bundler does). */
export function tincanFileFor(specifier: string): string {
  if (specifier === 'azle') return path.join(CDK_SRC, 'index.ts');
  return path.join(CDK_SRC, `${specifier.slice('azle/'.length)}.ts`);
}

/** A compiler program over the given root files, with module resolution as bundlers do it. */
export function createSurfaceProgram(files: readonly string[]): ts.Program {
  return ts.createProgram(
    files.filter((f) => existsSync(f)),
    {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts'],
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      customConditions: ['source'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      types: [],
    },
  );
}

/** Exports of `file` in `program`, or undefined when the file does not exist. */
export function moduleSurface(program: ts.Program, file: string): ModuleSurface | undefined {
  const source = program.getSourceFile(file);
  if (source === undefined) return undefined;
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exports = new Map<string, ExportKind>();
  const symbols = new Map<string, ts.Symbol>();
  for (const symbol of moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol)) {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const value = (target.flags & ts.SymbolFlags.Value) !== 0;
    const type = (target.flags & ts.SymbolFlags.Type) !== 0;
    exports.set(symbol.name, value && type ? 'value+type' : value ? 'value' : 'type');
    symbols.set(symbol.name, target);
  }
  return { file, exports, symbols };
}

/** Whether an export of kind `have` serves every use of an export of kind `want`. */
export function kindCovers(have: ExportKind, want: ExportKind): boolean {
  return have === want || have === 'value+type';
}

function unrec(t: IDL.Type): IDL.Type {
  while (t instanceof IDL.RecClass) t = t.getType() as IDL.Type;
  return t;
}

/**
 * Whether two IDL types describe the same Candid type, however recursion is tied (which name
 * of a cycle carries the IDL.Rec differs between generators): a bisimulation, assuming pairs
 * under comparison equal.
 */
export function sameType(
  a: IDL.Type,
  b: IDL.Type,
  assumed = new Set<string>(),
  ids = new Map<IDL.Type, number>(),
): boolean {
  const id = (t: IDL.Type): number => ids.get(t) ?? (ids.set(t, ids.size), ids.size - 1);
  const key = `${id(a)}:${id(b)}`;
  if (assumed.has(key)) return true;
  assumed.add(key);
  const x = unrec(a);
  const y = unrec(b);
  const same = (p: IDL.Type, q: IDL.Type): boolean => sameType(p, q, assumed, ids);
  const sameList = (p: IDL.Type[], q: IDL.Type[]): boolean =>
    p.length === q.length && p.every((t, i) => same(t, q[i] as IDL.Type));
  const sameFields = (p: Array<[string, IDL.Type]>, q: Array<[string, IDL.Type]>): boolean => {
    const byKey = new Map(q);
    return (
      p.length === q.length &&
      p.every(([k, t]) => byKey.has(k) && same(t, byKey.get(k) as IDL.Type))
    );
  };
  if (x instanceof IDL.VecClass && y instanceof IDL.VecClass) return same(x._type, y._type);
  if (x instanceof IDL.OptClass && y instanceof IDL.OptClass)
    return same(x._type as IDL.Type, y._type as IDL.Type);
  if (x instanceof IDL.RecordClass && y instanceof IDL.RecordClass)
    return sameFields(x._fields, y._fields);
  if (x instanceof IDL.VariantClass && y instanceof IDL.VariantClass)
    return sameFields(x._fields, y._fields);
  if (x instanceof IDL.FuncClass && y instanceof IDL.FuncClass) {
    return (
      sameList(x.argTypes, y.argTypes) &&
      sameList(x.retTypes, y.retTypes) &&
      x.annotations.join() === y.annotations.join()
    );
  }
  if (x instanceof IDL.ServiceClass && y instanceof IDL.ServiceClass)
    return sameFields(x._fields, y._fields);
  return x.name === y.name && x.constructor === y.constructor;
}
