/**
 * `tincan trace` against a replica run by `tincan start`: the call tree of a two-canister flow
 * whose callback traps after its await (the first half committed, the callback rolled back, the
 * cleanup committed), by request id and by canister, as text and as JSON, and its errors.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpAgent, pollForResponse } from '@dfinity/agent';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import { Replica } from '@tincan/replica';
import { CanisterIds } from '@tincan/cli';
import {
  createProject,
  ROOT,
  runNode,
  startReplica,
  type CliProject,
  type StartedReplica,
} from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const Order = IDL.Record({ item: IDL.Text, amount: IDL.Nat, note: IDL.Opt(IDL.Text) });

interface JsonExecution {
  id: number;
  tree: string;
  parent: number | null;
  depth: number;
  canister: string;
  kind: string;
  method: string;
  caller: string;
  outcome: string;
  trap: string | null;
  argText: string;
  replyText: string | null;
  calls: Array<{ callId: number; callee: string; method: string; cycles: string }>;
  cyclesCharged: string;
}

let project: CliProject;
let replica: StartedReplica;
let shop: string;
let bank: string;
/** The request id (hex) of the ingress call whose callback trapped. */
let trappedRequest: string;

beforeAll(async () => {
  project = createProject();
  const seed = await Replica.create({ stateDir: path.join(project.stateDir, 'replica') });
  bank = (await seed.deploy(path.join(ROOT, 'test/fixtures/trace-bank.ts'))).id.toText();
  shop = (await seed.deploy(path.join(ROOT, 'test/fixtures/trace-shop.ts'))).id.toText();
  await seed.close();
  replica = await startReplica(project);
  const ids = new CanisterIds(project.dir);
  ids.set(replica.url, 'shop', shop);
  ids.set(replica.url, 'bank', bank);
  // A network in dfx.json, for --network.
  const dfx = JSON.parse(readFileSync(path.join(project.dir, 'dfx.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  writeFileSync(
    path.join(project.dir, 'dfx.json'),
    JSON.stringify({ ...dfx, networks: { here: { providers: [replica.url] } } }),
  );

  // One buy that commits throughout, through the CLI...
  const ok = await project.run(
    'canister',
    'call',
    'shop',
    'buy',
    `(principal "${bank}", record { item = "tea"; amount = 5 : nat; note = null })`,
    '--host',
    replica.url,
  );
  expect(ok).toMatchObject({ code: 0, stdout: '(variant { ok = 5 : nat })\n' });
  // ...and one whose callback traps after the await, through an agent, to know its request id.
  const agent = await HttpAgent.create({ host: replica.url, shouldFetchRootKey: true });
  const arg = IDL.encode(
    [IDL.Principal, Order],
    [Principal.fromText(bank), { item: 'car', amount: 500n, note: ['big'] }],
  );
  const { requestId } = await agent.call(shop, { methodName: 'buy', arg, callSync: false });
  await expect(pollForResponse(agent, Principal.fromText(shop), requestId)).rejects.toThrow(
    /over budget: 500/,
  );
  trappedRequest = Buffer.from(requestId).toString('hex');
});

afterAll(async () => {
  await replica?.stop();
  project?.dispose();
});

describe('tincan trace <request-id>', () => {
  it('prints the call tree in time order: the commit point, the callee, the trapped and rolled-back callback, the cleanup', async () => {
    const res = await project.run('trace', trappedRequest, '--host', replica.url);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(
      new RegExp(
        `^Call tree ${trappedRequest}: ingress message from 2vxsx-fae at \\d{4}-\\d\\d-\\d\\dT.*Z, 4 executions on 2 canisters, 1 trapped$`,
      ),
    );
    // Execution lines (not detail lines), with their indentation: the callee and the callbacks nest under buy.
    const executions = lines
      .filter((l) => /^\s*#\d+ /.test(l))
      .map((l) => l.replace(/#\d+/, '#').replace(/ \(\+[\d.]+ s\)/, ''));
    expect(executions).toEqual([
      '  # shop.buy update: committed (commit point: await)',
      '    # bank.deposit update from shop: committed',
      '    # shop.buy callback of bank.deposit: TRAPPED, rolled back: over budget: 500',
      '    # shop.buy cleanup of bank.deposit: committed',
    ]);
    const text = res.stdout;
    expect(text).toContain(
      `      arg (principal "${bank}", record { item = "car"; note = opt "big"; amount = 500 : nat })`,
    );
    expect(text).toMatch(/ {6}call bank\.deposit \(call \d+\): sent\n/);
    // The bank's total includes the first buy's 5.
    expect(text).toContain('        arg (500 : nat)\n        replied (505 : nat)\n');
    expect(text).toContain('        got reply (505 : nat)\n');
    expect(text).toMatch(/units; cycles: fee [\d_]+; 1 stable-map write; \d+ heap bytes written\n/);
    // The trapped callback sent nothing and kept no heap write.
    const trapped = text.slice(text.indexOf('TRAPPED'), text.indexOf('cleanup of'));
    expect(trapped).not.toContain('heap bytes written');
  });

  it('prints the same tree as JSON for tools, with parents, depths and decoded Candid', async () => {
    const res = await project.run(
      'trace',
      trappedRequest,
      '--output',
      'json',
      '--host',
      replica.url,
    );
    expect(res.code).toBe(0);
    const tree = JSON.parse(res.stdout) as { tree: string; executions: JsonExecution[] };
    expect(tree.tree).toBe(trappedRequest);
    const [buy, deposit, callback, cleanup] = tree.executions;
    expect(tree.executions.map((e) => [e.canister, e.kind, e.method, e.outcome, e.depth])).toEqual([
      [shop, 'update', 'buy', 'committed', 0],
      [bank, 'update', 'deposit', 'committed', 1],
      [shop, 'response', 'buy', 'trapped', 1],
      [shop, 'cleanup', 'buy', 'committed', 1],
    ]);
    expect(buy).toMatchObject({
      parent: null,
      caller: '2vxsx-fae',
      trap: null,
      calls: [{ callee: bank, method: 'deposit', cycles: '0' }],
    });
    expect(deposit).toMatchObject({
      parent: buy!.id,
      caller: shop,
      argText: '(500 : nat)',
      replyText: '(505 : nat)',
    });
    expect(callback).toMatchObject({
      parent: buy!.id,
      trap: 'over budget: 500',
      argText: '(505 : nat)',
      replyText: null,
    });
    expect(cleanup!.parent).toBe(buy!.id);
    expect(
      tree.executions.every((e) => e.tree === trappedRequest && BigInt(e.cyclesCharged) > 0n),
    ).toBe(true);
  });

  it('says so, with Error: and exit 1, for a request id the replica does not know', async () => {
    const res = await project.run('trace', '0'.repeat(64), '--host', replica.url);
    expect(res).toMatchObject({ code: 1, stdout: '' });
    expect(res.stderr).toMatch(
      new RegExp(
        `^Error: no call tree ${'0'.repeat(64)} on the replica at ${replica.url} \\(.*pruned\\)\\n$`,
      ),
    );
  });
});

describe('tincan trace as a client', () => {
  it('loads no replica, runtime, dashboard, SQLite or esbuild code: it reads the JSON the replica serves', async () => {
    // An ESM resolve hook logs every module the command loads.
    const log = path.join(project.dir, 'loaded.txt');
    const hooks = path.join(project.dir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`,
    );
    const register = path.join(project.dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const res = await runNode(
      [
        '--import',
        register,
        path.join(ROOT, 'packages/cli/bin/tincan.js'),
        'trace',
        trappedRequest,
        '--host',
        replica.url,
      ],
      project.dir,
      { TINCAN_HOME: project.home },
    );
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('TRAPPED, rolled back: over budget: 500');
    expect(existsSync(log)).toBe(true);
    const loaded = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    expect(loaded.some((url) => url.includes('/packages/cli/dist/bundle/'))).toBe(true);
    expect(
      loaded.filter((url) =>
        /\/packages\/(replica|runtime|storage-sqlite|dashboard|http|bundler)\/|better-sqlite3|esbuild/.test(
          url,
        ),
      ),
    ).toEqual([]);
  });
});

describe('tincan trace <canister>', () => {
  it('prints the latest call trees that reached a canister, oldest first, by name, by id and with --network', async () => {
    const byName = await project.run('trace', 'bank', '--host', replica.url);
    expect(byName.code).toBe(0);
    const headers = byName.stdout.split('\n').filter((l) => l.startsWith('Call tree '));
    expect(headers).toHaveLength(2);
    expect(headers[0]).toMatch(/3 executions on 2 canisters$/);
    expect(headers[1]).toContain(`Call tree ${trappedRequest}:`);
    expect(byName.stdout).toMatch(
      /\n {4}#\d+ shop\.buy callback of bank\.deposit( \(\+[\d.]+ s\))?: committed\n {8}got reply \(5 : nat\)\n {8}replied \(variant \{ ok = 5 : nat \}\)\n/,
    );
    const byId = await project.run('trace', bank, '--network', 'here');
    expect(byId).toMatchObject({ code: 0, stdout: byName.stdout });
  });

  it('filters by outcome and method, limits, and prints JSON', async () => {
    const trapped = await project.run(
      'trace',
      'shop',
      '--outcome',
      'trapped',
      '--output',
      'json',
      '--host',
      replica.url,
    );
    expect(trapped.code).toBe(0);
    const trees = JSON.parse(trapped.stdout) as Array<{
      tree: string;
      executions: JsonExecution[];
    }>;
    expect(trees.map((t) => t.tree)).toEqual([trappedRequest]);
    const latest = JSON.parse(
      (
        await project.run(
          'trace',
          'shop',
          '--limit',
          '1',
          '--output',
          'json',
          '--host',
          replica.url,
        )
      ).stdout,
    ) as Array<{ tree: string }>;
    expect(latest.map((t) => t.tree)).toEqual([trappedRequest]);
    const none = await project.run('trace', 'shop', '--method', 'stock', '--host', replica.url);
    expect(none).toMatchObject({
      code: 0,
      stdout: `No call trees of shop are kept on ${replica.url}.\n`,
    });
  });

  it('says so, with Error: and exit 1, for an unknown canister, a bad target and no replica', async () => {
    const ghost = 'aovwi-4maaa-aaaaa-qaagq-cai';
    const unknownId = await project.run('trace', ghost, '--host', replica.url);
    expect(unknownId).toMatchObject({ code: 1, stdout: '' });
    expect(unknownId.stderr).toMatch(
      new RegExp(`^Error: no canister ${ghost} on the replica at ${replica.url};`),
    );
    const unknownName = await project.run('trace', 'ghost', '--host', replica.url);
    expect(unknownName).toMatchObject({ code: 1, stdout: '' });
    expect(unknownName.stderr).toMatch(
      /^Error: 'ghost' is neither a request id \(64 hex digits\) nor a canister deployed from .* nor a canister id\n$/,
    );
    const down = await project.run('trace', shop, '--host', 'http://127.0.0.1:9');
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      /^Error: cannot reach a replica at http:\/\/127\.0\.0\.1:9 .*tincan start/,
    );
  });
});
