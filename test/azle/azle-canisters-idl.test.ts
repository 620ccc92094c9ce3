/**
 * tincan's `azle/canisters/<name>/idl` modules are generated from the same public `.did` files
 * Azle 0.33 ships; each describes the same interface as Azle's module (both printed as `.did`
 * by one printer), and the committed files are what the generator writes today.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IDL } from '@dfinity/candid';
import { Principal } from '@dfinity/principal';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceToDid } from '@tincan/candid';
import {
  didFiles,
  generateFor,
  OUT_ROOT,
} from '../../packages/cdk/src/idl-gen/generate-canister-idls.js';
import { AZLE_DIR, REPO_ROOT, sameType } from './azle-surface.js';

interface IdlModule {
  idlFactory: IDL.InterfaceFactory;
  init: (args: { IDL: typeof IDL }) => IDL.Type[];
  hexAddressFromPrincipal?: (p: Principal, sub: number) => string;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'tincan-azle-idl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Compiles a TS module to ESM in the temp dir (Azle ships TypeScript) and imports it. */
async function load(entry: string, name: string): Promise<IdlModule> {
  const outfile = path.join(tmp, `${name}.mjs`);
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    // One @dfinity/candid for both sides: IDL classes compare by identity in places.
    external: ['@dfinity/candid', '@dfinity/principal', '@dfinity/agent'],
    nodePaths: [path.join(REPO_ROOT, 'node_modules')],
    absWorkingDir: REPO_ROOT,
  });
  return (await import(pathToFileURL(outfile).href)) as IdlModule;
}

function did(mod: IdlModule): string {
  return serviceToDid(mod.idlFactory({ IDL }), mod.init({ IDL }));
}

const files = didFiles();

describe('azle/canisters/* modules', () => {
  it('covers every interface Azle ships', () => {
    expect(files.length).toBeGreaterThan(15);
  });

  it('compares types by structure, whichever name of a cycle is the IDL.Rec', () => {
    const listA = IDL.Rec();
    listA.fill(IDL.Opt(IDL.Record({ head: IDL.Nat, tail: listA })));
    const nodeB = IDL.Rec();
    const listB = IDL.Opt(IDL.Record({ head: IDL.Nat, tail: nodeB }));
    nodeB.fill(listB);
    expect(sameType(listA, listB)).toBe(true);
    const listC = IDL.Rec();
    listC.fill(IDL.Opt(IDL.Record({ head: IDL.Int, tail: listC })));
    expect(sameType(listA, listC)).toBe(false);
    expect(sameType(IDL.Record({ a: IDL.Nat }), IDL.Record({ b: IDL.Nat }))).toBe(false);
    expect(sameType(IDL.Func([], [], ['query']), IDL.Func([], [], []))).toBe(false);
  });

  it.each(files.map((f) => f.name))(
    '%s is up to date with its .did and describes the interface Azle describes',
    async (name) => {
      const entry = files.find((f) => f.name === name);
      if (entry === undefined) throw new Error(name);
      const committed = readFileSync(path.join(OUT_ROOT, name, 'idl.ts'), 'utf8');
      expect(committed).toBe(generateFor(name, entry.did));
      const ours = await load(path.join(OUT_ROOT, name, 'idl.ts'), `tincan-${name}`);
      const azle = await load(
        path.join(AZLE_DIR, 'src/exports/canisters', name, 'idl.ts'),
        `azle-${name}`,
      );
      const service = (m: IdlModule): IDL.ServiceClass => m.idlFactory({ IDL });
      const oursService = service(ours);
      const azleService = service(azle);
      expect(oursService._fields.map(([n]) => n)).toEqual(azleService._fields.map(([n]) => n));
      for (const [method, func] of oursService._fields) {
        const theirs = azleService._fields.find(([n]) => n === method)?.[1] as IDL.Type;
        expect(
          sameType(func, theirs),
          `${name}.${method}: ${did(ours).length} vs ${did(azle).length}`,
        ).toBe(true);
      }
      expect(sameType(IDL.Tuple(...ours.init({ IDL })), IDL.Tuple(...azle.init({ IDL })))).toBe(
        true,
      );
    },
  );

  it('computes ICP account identifiers as Azle does', async () => {
    const ours = await load(
      path.join(OUT_ROOT, 'nns_icp_ledger', 'idl.ts'),
      'tincan-ledger-address',
    );
    const azle = await load(
      path.join(AZLE_DIR, 'src/exports/canisters/nns_icp_ledger/idl.ts'),
      'azle-ledger-address',
    );
    for (const [text, sub] of [
      ['aaaaa-aa', 0],
      ['2vxsx-fae', 1],
      ['rrkah-fqaaa-aaaaa-aaaaq-cai', 0xdeadbeef],
    ] as const) {
      const principal = Principal.fromText(text);
      const expected = azle.hexAddressFromPrincipal?.(principal, sub);
      expect(expected).toMatch(/^[0-9a-f]{64}$/);
      expect(ours.hexAddressFromPrincipal?.(principal, sub)).toBe(expected);
    }
  });
});
