/**
 * Writes the `.did` file of every canister in the project's dfx.json, derived from its
 * decorators. Usage: `node packages/replica/dist/bin/emit-candid.js [projectRoot]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Replica } from '../replica.js';
import { envFor, readProjectConfig } from '../project-config.js';

const root = path.resolve(process.argv[2] ?? '.');
const replica = await Replica.create();
try {
  for (const canister of readProjectConfig(root)) {
    if (canister.candid === undefined) continue;
    const candid = await replica.candidOf(canister.main, { env: envFor(canister) });
    mkdirSync(path.dirname(canister.candid), { recursive: true });
    writeFileSync(canister.candid, candid);
    console.log(`${canister.name}: ${path.relative(root, canister.candid)}`);
  }
} finally {
  await replica.close();
}
