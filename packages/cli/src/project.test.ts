import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canisterEnvName, deployOrder, projectCanisters } from './project.js';
import { resolveNetwork } from './network.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const project = (config: unknown): string => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'tincan-project-'));
  writeFileSync(
    path.join(dir, 'dfx.json'),
    typeof config === 'string' ? config : JSON.stringify(config),
  );
  return dir;
};
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  return 'no error';
};

describe('projectCanisters', () => {
  it('reads dfx.json as dfx does: candid default, init_arg_file, dependencies, declarations', () => {
    const d = project({
      canisters: {
        a: {
          type: 'azle',
          main: 'src/a.ts',
          dependencies: ['b'],
          declarations: { output: 'out/a', node_compatibility: true },
        },
        b: { type: 'azle', main: 'src/b.ts', candid: 'b.did', init_arg_file: 'b.arg' },
      },
    });
    writeFileSync(path.join(d, 'b.arg'), '(1 : nat)');
    const [a, b] = projectCanisters(d);
    expect(a).toMatchObject({
      name: 'a',
      main: path.join(d, 'src/a.ts'),
      candid: path.join(d, '.azle/a/a.did'),
      candidConfigured: false,
      dependencies: ['b'],
      declarationsDir: path.join(d, 'out/a'),
      nodeCompatibility: true,
    });
    expect(b).toMatchObject({
      candid: path.join(d, 'b.did'),
      initArg: '(1 : nat)',
      declarationsDir: path.join(d, 'src/declarations/b'),
    });
  });

  it('names what is wrong, with its path', () => {
    expect(
      message(() =>
        projectCanisters(project({ canisters: { a: { type: 'motoko', main: 'a.mo' } } })),
      ),
    ).toContain(`canister 'a' has "type": "motoko"; tincan runs TypeScript canisters`);
    expect(
      message(() => projectCanisters(project({ canisters: { a: { main: 'a.ts', init_arg: 5 } } }))),
    ).toBe('dfx.json: canisters.a.init_arg: expected string');
    expect(
      message(() =>
        projectCanisters(project({ canisters: { a: { main: 'a.ts', dependencies: ['z'] } } })),
      ),
    ).toContain(`canister 'a' depends on 'z', which is not a canister of dfx.json`);
    expect(message(() => projectCanisters(project({ canisters: { a: {} } })))).toContain(
      `canister 'a' needs a "main" TypeScript entry`,
    );
    expect(message(() => projectCanisters(project('{ nope')))).toMatch(
      /^dfx.json is not valid JSON/,
    );
  });
});

describe('deployOrder', () => {
  it('puts dependencies first, once, and refuses a cycle', () => {
    const d = project({
      canisters: {
        a: { main: 'a.ts', dependencies: ['b', 'c'] },
        b: { main: 'b.ts', dependencies: ['c'] },
        c: { main: 'c.ts' },
      },
    });
    const all = projectCanisters(d);
    expect(deployOrder(all, ['a']).map((c) => c.name)).toEqual(['c', 'b', 'a']);
    expect(deployOrder(all, ['c', 'a', 'b']).map((c) => c.name)).toEqual(['c', 'b', 'a']);
    const cyclic = projectCanisters(
      project({
        canisters: {
          a: { main: 'a.ts', dependencies: ['b'] },
          b: { main: 'b.ts', dependencies: ['a'] },
        },
      }),
    );
    expect(message(() => deployOrder(cyclic, ['a']))).toBe(
      'dfx.json: dependency cycle a -> b -> a',
    );
  });

  it('names variables as dfx does', () => {
    expect(canisterEnvName('CANISTER_ID', 'ledger_notify')).toBe('CANISTER_ID_LEDGER_NOTIFY');
    expect(canisterEnvName('CANISTER_CANDID_PATH', 'my-app')).toBe('CANISTER_CANDID_PATH_MY_APP');
  });
});

describe('resolveNetwork', () => {
  it('takes --host, else --network or $DFX_NETWORK from dfx.json networks, local by default', () => {
    const d = project({
      canisters: {},
      networks: {
        local: { bind: '127.0.0.1:8000' },
        staging: { providers: ['http://10.0.0.1:4943'] },
      },
    });
    expect(resolveNetwork(d, {}, {})).toEqual({ name: 'local', url: 'http://127.0.0.1:8000' });
    expect(resolveNetwork(d, { network: 'staging' }, {})).toEqual({
      name: 'staging',
      url: 'http://10.0.0.1:4943',
    });
    expect(resolveNetwork(d, {}, { DFX_NETWORK: 'staging' }).url).toBe('http://10.0.0.1:4943');
    expect(resolveNetwork(d, { host: 'http://h:1', network: 'staging' }, {}).url).toBe(
      'http://h:1',
    );
    mkdirSync(path.join(d, 'empty'));
    expect(resolveNetwork(path.join(d, 'empty'), {}, {}).url).toBe('http://127.0.0.1:4943');
    expect(message(() => resolveNetwork(d, { network: 'prod' }, {}))).toBe(
      `no network 'prod' in dfx.json (known: local, staging); add it under "networks" or pass --host <url>`,
    );
  });
});
