/**
 * Packs tincan into one npm tarball, `tincan-<version>.tgz`, that a project installs with
 * `npm i -D ./tincan-<version>.tgz` (run through `npm run pack`, which builds first).
 *
 * Layout of the tarball:
 *   packages/<name>/   each workspace package as built (dist/, src/, package.json), no tests;
 *                      the watchdog's native addon as built here, without its binding.gyp
 *   azle/              a package named `azle` that re-exports the CDK (and its canisters/*)
 *   package.json       `tincan`: its bin, `tincan/testing`, and `file:` dependencies on the above
 *
 * The workspace packages are `file:` dependencies inside the tarball, so npm links them at the
 * top of the installing project's node_modules (`node_modules/azle`, `node_modules/@tincan/*`)
 * and records the links in its lockfile: `azle` resolves for tsc and node without a paths
 * entry, survives later installs and `npm ci`, and nothing is built at install. Third-party
 * dependencies stay ordinary registry dependencies, pinned to the versions this repository
 * was tested with.
 *
 * Usage: node scripts/pack.mjs [--out-dir <dir>]   (prints the tarball's path)
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Workspace packages a user's project needs at run time (bench is the repository's own). */
const PACKAGES = [
  'abi',
  'bundler',
  'bytes',
  'candid',
  'cdk',
  'certification',
  'cli',
  'dashboard',
  'errors',
  'http',
  'replica',
  'runtime',
  'storage-sqlite',
  'testing',
  'watchdog',
];

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out-dir');
const outDir = path.resolve(
  outIndex >= 0 && args[outIndex + 1] !== undefined ? args[outIndex + 1] : root,
);

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const rootManifest = readJson(path.join(root, 'package.json'));
const version = rootManifest.version;

/** The exact version of a third-party dependency this repository installed for a package. */
function installedVersion(pkgDir, name) {
  for (const dir of [path.join(pkgDir, 'node_modules'), path.join(root, 'node_modules')]) {
    const manifest = path.join(dir, name, 'package.json');
    if (existsSync(manifest)) return readJson(manifest).version;
  }
  throw new Error(`pack: ${name} (a dependency of ${pkgDir}) is not installed; run npm ci first`);
}

/**
 * Built and source files only: no tests, no native build output, no build inputs, and not the
 * CLI call's V8 code cache (made by this machine's Node; the installed CLI writes its own after
 * its first call).
 */
const keep = (src) =>
  !/\.test\.(ts|js|d\.ts|js\.map|d\.ts\.map)$/.test(src) &&
  !src.endsWith('.tsbuildinfo') &&
  !/\.cjs\.cache(\.\d+\.tmp)?$/.test(src);

const stage = mkdtempSync(path.join(os.tmpdir(), 'tincan-pack-'));
const pkgRoot = path.join(stage, 'package');
try {
  mkdirSync(pkgRoot);
  const dependencies = {};
  /** The packages' registry dependencies, declared by tincan itself too: npm reads a `file:`
   * dependency's manifest only after the install that links it, so without these the first
   * `npm i` of the tarball would install none of them. */
  const thirdParty = {};
  for (const name of PACKAGES) {
    const from = path.join(root, 'packages', name);
    const to = path.join(pkgRoot, 'packages', name);
    if (!existsSync(path.join(from, 'dist')))
      throw new Error(`pack: packages/${name} is not built; run npm run build first`);
    mkdirSync(to, { recursive: true });
    for (const dir of ['dist', 'src', 'bin']) {
      if (existsSync(path.join(from, dir)))
        cpSync(path.join(from, dir), path.join(to, dir), { recursive: true, filter: keep });
    }
    // The watchdog's addon as built here: it loads under the same platform and Node ABI, and
    // elsewhere the watchdog falls back to node:vm timeouts (its binding.gyp is not shipped,
    // so npm never tries to compile it at install).
    const addon = path.join(from, 'build/Release/tincan_watchdog.node');
    if (existsSync(addon)) cpSync(addon, path.join(to, 'build/Release/tincan_watchdog.node'));
    const manifest = readJson(path.join(from, 'package.json'));
    const deps = {};
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (dep.startsWith('@tincan/')) {
        deps[dep] = `file:../${dep.slice('@tincan/'.length)}`;
      } else {
        deps[dep] = installedVersion(from, dep);
        thirdParty[dep] ??= deps[dep];
      }
    }
    // No scripts (nothing runs at install), no bin (tincan's own is the bin).
    const {
      scripts: _scripts,
      devDependencies: _dev,
      bin: _bin,
      private: _private,
      ...rest
    } = manifest;
    writeJson(path.join(to, 'package.json'), { ...rest, version, dependencies: deps });
    dependencies[manifest.name] = `file:./packages/${name}`;
  }

  // `azle`: Azle 0.33's module names, resolved to tincan's CDK.
  const azle = path.join(pkgRoot, 'azle');
  mkdirSync(azle);
  const reexport = (file, specifier) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.js`, `export * from '${specifier}';\n`);
    writeFileSync(`${file}.d.ts`, `export * from '${specifier}';\n`);
  };
  reexport(path.join(azle, 'index'), '@tincan/cdk');
  const canisters = path.join(root, 'packages/cdk/dist/canisters');
  const subpaths = readdirSync(canisters, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js') && keep(f))
    .map((f) => f.slice(0, -'.js'.length).split(path.sep).join('/'));
  for (const sub of subpaths)
    reexport(path.join(azle, 'canisters', sub), `@tincan/cdk/canisters/${sub}`);
  writeJson(path.join(azle, 'package.json'), {
    name: 'azle',
    version: '0.33.0',
    description: "Azle 0.33's API, resolved to tincan's CDK (installed by the tincan package).",
    type: 'module',
    exports: {
      '.': { types: './index.d.ts', default: './index.js' },
      './canisters/*': { types: './canisters/*.d.ts', default: './canisters/*.js' },
      './package.json': './package.json',
    },
    dependencies: { '@tincan/cdk': 'file:../packages/cdk' },
  });
  dependencies.azle = 'file:./azle';

  mkdirSync(path.join(pkgRoot, 'bin'));
  writeFileSync(
    path.join(pkgRoot, 'bin/tincan.js'),
    "#!/usr/bin/env node\nimport '@tincan/cli/bin/tincan.js';\n",
    { mode: 0o755 },
  );
  reexport(path.join(pkgRoot, 'testing'), '@tincan/testing');
  reexport(path.join(pkgRoot, 'extensions'), '@tincan/cdk/extensions');
  writeFileSync(path.join(pkgRoot, 'README.md'), readFileSync(path.join(root, 'README.md')));

  writeJson(path.join(pkgRoot, 'package.json'), {
    name: 'tincan',
    version,
    description: rootManifest.description,
    type: 'module',
    engines: rootManifest.engines,
    bin: { tincan: './bin/tincan.js' },
    exports: {
      './testing': { types: './testing.d.ts', default: './testing.js' },
      './extensions': { types: './extensions.d.ts', default: './extensions.js' },
      './package.json': './package.json',
    },
    dependencies: {
      ...Object.fromEntries(Object.entries(thirdParty).sort(([a], [b]) => a.localeCompare(b))),
      ...dependencies,
    },
  });

  // The CLI's bin file imports its bundle through the package's exports.
  const cliManifestFile = path.join(pkgRoot, 'packages/cli/package.json');
  const cliManifest = readJson(cliManifestFile);
  cliManifest.exports = { ...cliManifest.exports, './bin/tincan.js': './bin/tincan.js' };
  writeJson(cliManifestFile, cliManifest);

  mkdirSync(outDir, { recursive: true });
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
    cwd: pkgRoot,
    encoding: 'utf8',
  });
  const file = out.trim().split('\n').at(-1);
  process.stdout.write(`${path.join(outDir, file)}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
