/**
 * `tincan generate`: what `dfx generate` writes for a JS/TS project, from the `.did` files that
 * `tincan deploy` writes: `<out>/<name>.did` (a copy), `<name>.did.js` (`idlFactory`, `init`),
 * `<name>.did.d.ts` (the service's types), and `index.js`/`index.d.ts` with `canisterId` (from
 * `CANISTER_ID_<NAME>` or the project's recorded id) and `createActor`. Plain ESM, so a
 * `node` script imports it as it is.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from '@icp-sdk/bindgen/core';
import { CanisterIds } from './canister-ids.js';
import { CliError } from './cli-error.js';
import { canisterEnvName, projectCanisters } from './project.js';
import { DEFAULT_HOST } from './network.js';

/** Generates bindings; returns the directories written. */
export async function generateBindings(
  projectDir: string,
  outDir: string | undefined,
  name: string | undefined,
  host: string = DEFAULT_HOST,
): Promise<string[]> {
  const canisters = projectCanisters(projectDir).filter(
    (c) => name === undefined || c.name === name,
  );
  if (canisters.length === 0)
    throw new CliError('ERR_UNKNOWN_CANISTER', `dfx.json has no canister '${name ?? ''}'`);
  const ids = new CanisterIds(projectDir);
  const written: string[] = [];
  for (const canister of canisters) {
    if (!existsSync(canister.candid)) {
      throw new CliError(
        'ERR_PROJECT',
        `${path.relative(projectDir, canister.candid)} does not exist yet; run 'tincan deploy ${canister.name}' first, which writes it`,
      );
    }
    const dir =
      outDir === undefined
        ? canister.declarationsDir
        : path.resolve(projectDir, outDir, canister.name);
    const scratch = path.join(projectDir, '.tincan', 'bindgen', canister.name);
    await generate({
      didFile: canister.candid,
      outDir: scratch,
      output: { force: true, declarations: { typescript: false, flat: true } },
    });
    mkdirSync(dir, { recursive: true });
    const base = canister.name;
    writeFileSync(path.join(dir, `${base}.did`), readFileSync(canister.candid));
    const service = path.basename(canister.candid, '.did');
    const js = readFileSync(path.join(scratch, `${service}.did.js`), 'utf8');
    // dfx's declarations import the @dfinity packages, as index.js does.
    const dts = readFileSync(path.join(scratch, `${service}.did.d.ts`), 'utf8').replace(
      /'@icp-sdk\/core\/(agent|candid|principal)'/g,
      `'@dfinity/$1'`,
    );
    writeFileSync(path.join(dir, `${base}.did.js`), js);
    writeFileSync(path.join(dir, `${base}.did.d.ts`), dts);
    const envName = canisterEnvName('CANISTER_ID', canister.name);
    const recorded = ids.get(host, canister.name);
    writeFileSync(path.join(dir, 'index.js'), indexJs(base, envName, recorded));
    writeFileSync(path.join(dir, 'index.d.ts'), indexDts(base));
    written.push(dir);
  }
  return written;
}

function indexJs(base: string, envName: string, recorded: string | undefined): string {
  return `import { Actor, HttpAgent } from '@dfinity/agent';
import { idlFactory } from './${base}.did.js';
export { idlFactory } from './${base}.did.js';

/** The canister's id: $${envName} when set (as dfx sets it), else the id it was deployed with. */
export const canisterId = (typeof process !== 'undefined' ? process.env.${envName} : undefined) ?? ${JSON.stringify(recorded ?? null)};

/**
 * An actor for the canister, as dfx's createActor: options { agent } or { agentOptions } (e.g.
 * { host }) and { actorOptions }. Off the IC mainnet the agent fetches the replica's root key
 * before its first request.
 */
export const createActor = (id = canisterId, options = {}) => {
  if (id === null || id === undefined) throw new Error('no canister id: deploy the canister or set ${envName}');
  const host = options.agentOptions?.host ?? 'http://127.0.0.1:4943';
  const mainnet = /(^|\\.)(icp0\\.io|ic0\\.app|icp-api\\.io)$/.test(new URL(host).hostname);
  const agent = options.agent ?? HttpAgent.createSync({ host, shouldFetchRootKey: !mainnet, ...options.agentOptions });
  return Actor.createActor(idlFactory, { agent, canisterId: id, ...options.actorOptions });
};
`;
}

function indexDts(base: string): string {
  return `import type { ActorConfig, ActorSubclass, HttpAgent, HttpAgentOptions } from '@dfinity/agent';
import type { Principal } from '@dfinity/principal';
import type { _SERVICE } from './${base}.did.js';
export { idlFactory } from './${base}.did.js';

/** The canister's id: from the environment, else the id it was deployed with. */
export declare const canisterId: string | null;

/** Creates an actor for the canister. */
export declare const createActor: (
  id?: string | Principal | null,
  options?: { agent?: HttpAgent; agentOptions?: HttpAgentOptions; actorOptions?: ActorConfig },
) => ActorSubclass<_SERVICE>;
`;
}
