/**
 * Portability of this repository's example canisters to the real Azle 0.33: which canisters
 * declare a tincan extension (first line `// tincan extension: …`), type-checking one against
 * Azle's own sources, and building one with `azle build` into a temporary project.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { AZLE_DIR, REPO_ROOT } from './azle-surface.js';

const run = promisify(execFile);

/** One example canister. */
export interface ExampleCanister {
  /** Directory under canisters/, e.g. `travel/hotel`. */
  readonly name: string;
  readonly main: string;
  /** The extension line, when the canister declares one. */
  readonly extension: string | undefined;
}

/** Every canister under canisters/ (an `src/index.ts` one or two levels down). */
export function exampleCanisters(): ExampleCanister[] {
  const root = path.join(REPO_ROOT, 'canisters');
  const out: ExampleCanister[] = [];
  const visit = (dir: string, name: string, depth: number): void => {
    const main = path.join(dir, 'src/index.ts');
    if (existsSync(main)) {
      const first = readFileSync(main, 'utf8').split('\n')[0] ?? '';
      out.push({
        name,
        main,
        extension: first.startsWith('// tincan extension:') ? first : undefined,
      });
      return;
    }
    if (depth === 0) return;
    for (const d of readdirSync(dir, { withFileTypes: true }))
      if (d.isDirectory())
        visit(path.join(dir, d.name), name === '' ? d.name : `${name}/${d.name}`, depth - 1);
  };
  visit(root, '', 2);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * Type errors of each of `mains` (by main), compiled together against the installed azle package (its `exports` resolve
 * `azle` to Azle's own TypeScript sources), as Azle users compile: TC39 decorators, strict.
 * Only errors in the canister's own files count: Azle's sources are not written for our flags.
 */
export function typeErrorsAgainstAzle(mains: readonly string[]): Map<string, string[]> {
  const program = ts.createProgram([...mains], {
    // Azle's example projects set target ES2024 and no `lib`, so TypeScript's default libraries
    // (DOM included: TextEncoder, TextDecoder, crypto) apply, as Azle provides those globals.
    target: ts.ScriptTarget.ES2024,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    experimentalDecorators: false,
    // `process.env`: Azle bakes the variables dfx.json's `custom.env` names into the build, and
    // projects type it with @types/node (installed for their tests).
    types: ['node'],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return new Map(
    mains.map((main) => {
      const canisterDir = `${path.dirname(path.dirname(main))}/`;
      const errors = diagnostics
        .filter((d) => d.file !== undefined && d.file.fileName.startsWith(canisterDir))
        .map(
          (d) =>
            `${path.relative(REPO_ROOT, d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      return [main, errors];
    }),
  );
}

/** Where `azle` resolves from a canister's directory: it must be the real package, not tincan's CDK. */
export function azleResolvedFrom(main: string): string | undefined {
  const resolved = ts.resolveModuleName(
    'azle',
    main,
    { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
    ts.sys,
  );
  return resolved.resolvedModule?.resolvedFileName;
}

/** Builds `main` with `azle build` in a temporary project; returns the `.did` Azle wrote. */
export async function azleBuild(main: string, timeoutMs: number): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-azle-build-'));
  try {
    const candid = path.join(dir, 'out.did');
    // Azle reads `main` relative to the project, as dfx does: copy the canister in.
    cpSync(path.dirname(path.dirname(main)), path.join(dir, 'canister'), { recursive: true });
    writeFileSync(
      path.join(dir, 'dfx.json'),
      JSON.stringify({
        canisters: { portable: { type: 'azle', main: 'canister/src/index.ts', candid: 'out.did' } },
      }),
    );
    // A project as `npm install azle` leaves it: its node_modules holds azle and its dependencies.
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    await run(
      path.join(REPO_ROOT, 'node_modules/.bin/tsx'),
      [path.join(AZLE_DIR, 'src/build.ts'), 'build', 'portable'],
      {
        cwd: dir,
        timeout: timeoutMs,
        env: {
          ...process.env,
          CANISTER_CANDID_PATH: candid,
          PATH: `${path.join(REPO_ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
        },
      },
    );
    return readFileSync(candid, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
