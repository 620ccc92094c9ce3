/**
 * Writes `src/canisters/<name>/idl.ts` (imported by canisters as `azle/canisters/<name>/idl`)
 * for every interface Azle 0.33 ships under `azle/canisters/*`, from the public `.did` files
 * (DFINITY's system canisters, ledgers and the ICRC standards) found in the installed `azle`
 * devDependency. Run:
 * `node --conditions=source --import tsx packages/cdk/src/idl-gen/generate-canister-idls.ts`.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDidAst } from '@tincan/candid';
import { generateIdlModule } from './generate-module.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
/** Where the installed azle package keeps each interface's `.did` file. */
export const DID_ROOT = path.join(repoRoot, 'node_modules/azle/src/stable/lib/canisters');
/** Where the generated modules go. */
export const OUT_ROOT = path.resolve(here, '../canisters');

/** Each interface name with its `.did` file. */
export function didFiles(): Array<{ name: string; did: string }> {
  return readdirSync(DID_ROOT, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = path.join(DID_ROOT, d.name, 'idl');
      const did = readdirSync(dir).find((f) => f.endsWith('.did'));
      if (did === undefined) throw new Error(`no .did file in ${dir}`);
      return { name: d.name, did: path.join(dir, did) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What a module exports besides its interface, as Azle's does. */
const EXTRAS: Record<string, string> = {
  nns_icp_ledger:
    "export { binaryAddressFromAddress, binaryAddressFromPrincipal, hexAddressFromPrincipal } from '../../icp-account-id.js';\n",
};

/** The generated module for one interface. */
export function generateFor(name: string, did: string): string {
  return (
    generateIdlModule(parseDidAst(readFileSync(did, 'utf8')), `${name}/${path.basename(did)}`) +
    (EXTRAS[name] ?? '')
  );
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  for (const { name, did } of didFiles()) {
    mkdirSync(path.join(OUT_ROOT, name), { recursive: true });
    writeFileSync(path.join(OUT_ROOT, name, 'idl.ts'), generateFor(name, did));
    console.log(`wrote src/canisters/${name}/idl.ts`);
  }
}
