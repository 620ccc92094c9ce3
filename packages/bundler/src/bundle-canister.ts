/**
 * Bundles a canister's TypeScript into one script for a sandbox. A generated entry imports the
 * canister module and hands it to the CDK's `registerCanisterModule`. `azle` and `@tincan/cdk`
 * resolve to the same CDK module, and `@dfinity/candid`/`@dfinity/principal` to the CDK's own
 * copies, so there is one IDL class hierarchy per canister.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { BundlerError } from './bundler-error.js';
import { BundleCache } from './bundle-cache.js';
import { BOUND_GLOBALS, REPLACED_GLOBALS, bindGlobals } from './bind-globals.js';
import { instrument } from './instrument.js';
import { addWriteBarrier } from './write-barrier.js';

/** Canister bundles run after the kernel, so they bind its replacements too. */
const CANISTER_GLOBALS = [...BOUND_GLOBALS, ...REPLACED_GLOBALS];

const bundleCache = new BundleCache<CanisterBundle>();
const STDIN_ENTRY = 'tincan-canister-entry.js';

/** Input of {@link bundleCanister}. */
export interface BundleCanisterOptions {
  /** The canister's entry file (TS or JS) with a default-exported class. */
  readonly entry: string;
  /** Entry file of the CDK (its src/index.ts). */
  readonly cdkEntry: string;
  /** Values inlined as `process.env.NAME` (Azle's `custom.env`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A bundled canister. */
export interface CanisterBundle {
  /**
   * The module: esbuild's script, not yet instrumented. This is what `install_code` uploads;
   * the replica makes it runnable with {@link prepareCanisterModule} as it loads it.
   */
  readonly code: string;
  /** Source map (JSON) from bundle positions to the canister's sources. */
  readonly map: string;
}

const SHARED = /^@dfinity\/(candid|principal)$/;
const CDK_NAMES = /^(azle|@tincan\/cdk)$/;
/** `azle/…` and `@tincan/cdk/…` subpaths: Azle's `azle/canisters/*` modules and tincan's extensions. */
const CDK_SUBPATH = /^(azle|@tincan\/cdk)\//;

/** The CDK source file a subpath import names, or undefined when the CDK has no such module. */
function cdkSubpathFile(cdkEntry: string, specifier: string): string | undefined {
  const sub = specifier.startsWith('@tincan/cdk/')
    ? specifier.slice('@tincan/cdk/'.length)
    : specifier.slice('azle/'.length);
  const allowed = sub === 'extensions' || /^canisters\/[a-z0-9_]+\/[a-z0-9_]+$/.test(sub);
  if (!allowed) return undefined;
  const file = path.join(path.dirname(cdkEntry), `${sub}.ts`);
  return existsSync(file) ? file : undefined;
}
/** Modules canister code may never import: sandboxes have no host access. */
const NODE_BUILTIN =
  /^(node:|(fs|path|os|child_process|net|http|https|crypto|worker_threads|process|vm|dgram|tls|cluster)(\/.*)?$)/;

/** Bundles a canister; reuses the last bundle of the same options while no input file changed. */
export async function bundleCanister(options: BundleCanisterOptions): Promise<CanisterBundle> {
  const entry = path.resolve(options.entry);
  if (!existsSync(entry))
    throw new BundlerError('ERR_ENTRY_NOT_FOUND', `canister entry ${entry} does not exist`);
  const key = JSON.stringify([entry, path.resolve(options.cdkEntry), options.env ?? {}]);
  const cached = bundleCache.lookup(key);
  if (cached !== undefined) return cached;
  const { bundle, inputs } = await buildCanister(entry, options);
  bundleCache.store(key, bundle, inputs);
  return bundle;
}

async function buildCanister(
  entry: string,
  options: BundleCanisterOptions,
): Promise<{ bundle: CanisterBundle; inputs: string[] }> {
  const cdkEntry = path.resolve(options.cdkEntry);
  const define: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env ?? {}))
    define[`process.env.${name}`] = JSON.stringify(value);
  const plugin: esbuild.Plugin = {
    name: 'tincan-canister',
    setup(build) {
      build.onResolve({ filter: CDK_NAMES }, () => ({ path: cdkEntry }));
      build.onResolve({ filter: CDK_SUBPATH }, (args) => {
        const file = cdkSubpathFile(cdkEntry, args.path);
        if (file !== undefined) return { path: file };
        return {
          errors: [
            {
              text: `'${args.path}' is not supported by tincan; import from 'azle' (Azle's stable API), 'azle/canisters/<name>/idl' or '@tincan/cdk/extensions'`,
            },
          ],
        };
      });
      build.onResolve({ filter: SHARED }, async (args) => {
        if (args.pluginData === 'shared') return undefined;
        const result = await build.resolve(args.path, {
          kind: args.kind,
          resolveDir: path.dirname(cdkEntry),
          pluginData: 'shared',
        });
        return result.errors.length > 0 ? { errors: result.errors } : { path: result.path };
      });
      build.onResolve({ filter: NODE_BUILTIN }, (args) => ({
        errors: [
          {
            text: `canister code cannot import '${args.path}': canisters have no file system, network or process access`,
          },
        ],
      }));
    },
  };
  const contents = [
    `import * as canisterModule from ${JSON.stringify(entry)};`,
    `import { registerCanisterModule } from ${JSON.stringify(cdkEntry)};`,
    'registerCanisterModule(canisterModule);',
  ].join('\n');
  const inputs: string[] = [];
  // CommonJS output, wrapped in a function scope by prepareCanisterModule: esbuild's IIFE/ESM
  // output replaces `require` with a stand-in function, which would tell canister code it runs
  // under Node.
  const built = await run(
    {
      stdin: { contents, resolveDir: path.dirname(entry), sourcefile: STDIN_ENTRY, loader: 'js' },
      plugins: [plugin],
      define,
      sourcemap: 'external',
      outfile: 'canister.js',
      metafile: true,
      format: 'cjs',
    },
    entry,
    inputs,
  );
  return { bundle: { code: built.code, map: built.map }, inputs };
}

/** Options of {@link prepareCanisterModule}. */
export interface PrepareOptions {
  /**
   * Adds the execution meter (default true). Only benchmarks turn it off, to measure the
   * meter's overhead: the runtime refuses a module that registers no meter.
   */
  readonly instrument?: boolean;
  /**
   * Adds the heap write barrier (default true). Only benchmarks turn it off, to measure the
   * barrier's overhead: without it the heap store misses writes, so such a canister's state is
   * not kept right (and the runtime refuses a module that claims no barrier).
   */
  readonly barrier?: boolean;
}

/**
 * Makes a module (a script, as {@link bundleCanister} writes it or as an agent uploads it)
 * runnable in a sandbox: instruments it with the execution meter, gives it a function scope of
 * its own, puts the heap write barrier on its member writes and binds the realm's built-ins.
 * Whatever the module holds (a meter prelude or barrier of its own, patched budgets) runs
 * inside this instrumentation, metered and tracked. Line numbers stay, so the bundle's source
 * map still applies. Throws {@link BundlerError} when the module does not parse as a script.
 */
export function prepareCanisterModule(source: string, options: PrepareOptions = {}): string {
  let prepared: string;
  try {
    const instrumented = options.instrument === false ? undefined : instrument(source);
    const metered = instrumented?.code ?? `(() => {${source}\n})();\n`;
    // The barrier goes in after the meter, so it is not weighed as canister work. Only
    // benchmarks leave it out: without it the heap store would miss writes.
    prepared =
      options.barrier === false
        ? metered
        : addWriteBarrier(metered, { builtins: CANISTER_GLOBALS, meter: instrumented?.meter }).code;
  } catch (err) {
    throw new BundlerError(
      'ERR_INVALID_MODULE',
      `the module is not a JavaScript script: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return bindGlobals(prepared, CANISTER_GLOBALS);
}

/** Bundles the runtime's in-sandbox kernel from its entry file. */
export async function bundleKernel(entry: string): Promise<string> {
  const bundle = await run({ entryPoints: [entry], outfile: 'kernel.js' }, entry, []);
  // The kernel replaces some globals as it starts, so it binds only those it does not replace.
  return bindGlobals(bundle.code, BOUND_GLOBALS);
}

async function run(
  options: esbuild.BuildOptions,
  what: string,
  inputs: string[],
): Promise<CanisterBundle> {
  try {
    const result = await esbuild.build({
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['source'],
      logLevel: 'silent',
      charset: 'utf8',
      legalComments: 'none',
      ...options,
    });
    const cwd = options.absWorkingDir ?? process.cwd();
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      // The generated entry is virtual (stdin): it has no file to watch.
      if (!input.startsWith('<stdin>') && !input.endsWith(STDIN_ENTRY))
        inputs.push(path.resolve(cwd, input));
    }
    const files = result.outputFiles ?? [];
    const code = files.find((f) => f.path.endsWith('.js'))?.text ?? '';
    const map = files.find((f) => f.path.endsWith('.map'))?.text ?? '';
    return { code, map };
  } catch (err) {
    const errors = (err as { errors?: esbuild.Message[] }).errors ?? [];
    const detail = errors
      .map(
        (e) =>
          `${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`,
      )
      .join('\n');
    throw new BundlerError(
      'ERR_BUNDLE_FAILED',
      `bundling ${what} failed:\n${detail || String(err)}`,
      { cause: err },
    );
  }
}
