/**
 * `npm start`: runs `tincan start` (a subprocess, state in ./.tincan), deploys the example
 * canisters of ./dfx.json to it over HTTP as `tincan deploy` does, prints a ready-to-paste
 * `canister call` line and an `@dfinity/agent` snippet, and keeps serving until Ctrl-C.
 * Flags after `--` go to `tincan start` (e.g. `npm start -- --port 5000 --clean`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deployProject } from '../deploy.js';
import { connect } from '../connect.js';
import { IdentityStore } from '../identity-store.js';
import { report } from '../commands/shared.js';
import { exitAfterFlush } from '../flush.js';

const bin = fileURLToPath(new URL('./tincan.js', import.meta.url));
const replica = spawn(process.execPath, [bin, 'start', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stop = (): void => void replica.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
let failed = false;
replica.on('exit', (code) => void exitAfterFlush(failed ? 1 : (code ?? 1)));

const url = await new Promise<string>((resolve) => {
  let seen = '';
  replica.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    seen += chunk.toString();
    const match = /running at (http:\/\/\S+)/.exec(seen);
    if (match?.[1] !== undefined) resolve(match[1]);
  });
});

try {
  const identity = await new IdentityStore().load();
  const agent = await connect(url, identity);
  console.log('\nDeploying the canisters of dfx.json (dependencies first):');
  const deployed = await deployProject({
    projectDir: process.cwd(),
    host: url,
    agent,
    log: (line) => console.log(`  ${line}`),
  });
  const counter = deployed.find((c) => c.name === 'counter')?.id.toText() ?? '';
  const guestbook = deployed.find((c) => c.name === 'guestbook')?.id.toText() ?? '';
  const port = new URL(url).port;
  const names = deployed.map((c) => c.name);
  const hostFlag = url === 'http://127.0.0.1:4943' ? '' : ` --host ${url}`;
  console.log(`
Ready: the replica at ${url} serves ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' and ' : ''}${names.at(-1) ?? ''}.

Open the guestbook (a web page and JSON API served by a canister) in a browser:
  http://${guestbook}.localhost:${port}/

Call it from another terminal:
  npx tincan canister call counter add '(5 : nat)'${hostFlag}

Or from a script with the unmodified @dfinity/agent (save as call.mjs, run with node):
  import { Actor, HttpAgent } from '@dfinity/agent';
  const agent = await HttpAgent.create({ host: '${url}', shouldFetchRootKey: true });
  const idlFactory = ({ IDL }) => IDL.Service({ add: IDL.Func([IDL.Nat], [IDL.Nat], []), get: IDL.Func([], [IDL.Nat], ['query']) });
  const counter = Actor.createActor(idlFactory, { agent, canisterId: '${counter}' });
  console.log(await counter.add(5n), await counter.get());

Ctrl-C stops the replica; its state stays in .tincan/ for the next start.`);
} catch (err) {
  report(err);
  failed = true;
  stop();
}
