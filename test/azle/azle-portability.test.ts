/**
 * Every example canister that declares no tincan extension is written against Azle's API only:
 * it type-checks against the installed Azle 0.33's own sources, and `azle build` builds it into
 * a `.did` that describes the interface tincan writes. Building takes about half a minute per
 * canister, so each run builds one canister, rotating by day; `npm run azle-portability`
 * (AZLE_BUILD_ALL=1) builds them all.
 */
import { IDL } from '@dfinity/candid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDid } from '@tincan/candid';
import { Replica } from '@tincan/replica';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, sameType } from './azle-surface.js';
import {
  azleBuild,
  azleResolvedFrom,
  exampleCanisters,
  typeErrorsAgainstAzle,
} from './portability.js';

const canisters = exampleCanisters();
const portable = canisters.filter((c) => c.extension === undefined);
const day = Math.floor(Date.now() / 86_400_000);
let typeErrors: Map<string, string[]> | undefined;
const toBuild =
  process.env.AZLE_BUILD_ALL === '1'
    ? portable
    : portable.filter((_, i) => i === day % portable.length);

describe('example canisters on the real Azle', () => {
  it('are portable unless their first line names the extension they use', () => {
    expect(portable.length).toBeGreaterThanOrEqual(canisters.length - 4);
    for (const c of canisters.filter((x) => x.extension !== undefined)) {
      expect(c.extension).toMatch(/^\/\/ tincan extension: \S+ \(@tincan\/cdk\/extensions\), /);
      // A canister that declares an extension really uses one (else it belongs with the portable ones).
      expect(readFileSync(c.main, 'utf8')).toMatch(/from '@tincan\/cdk\/extensions'/);
    }
  });

  it('the type check against Azle catches a tincan-only export', () => {
    const main = path.join(REPO_ROOT, 'test/azle/not-portable/src/index.ts');
    expect(azleResolvedFrom(main)).toMatch(/node_modules\/azle\/src\/stable\/lib\/index\.ts$/);
    expect(typeErrorsAgainstAzle([main]).get(main)?.join('\n')).toMatch(/msgDeadline/);
  });

  it.each(portable.map((c) => c.name))(
    '%s resolves azle to the real package and type-checks against it',
    (name) => {
      const c = portable.find((x) => x.name === name);
      if (c === undefined) throw new Error(name);
      expect(azleResolvedFrom(c.main)).toMatch(/node_modules\/azle\/src\/stable\/lib\/index\.ts$/);
      typeErrors ??= typeErrorsAgainstAzle(portable.map((x) => x.main));
      expect(typeErrors.get(c.main)).toEqual([]);
    },
  );

  describe('azle build', () => {
    let replica: Replica;
    beforeAll(async () => {
      replica = await Replica.create();
    });
    afterAll(() => replica.close());

    it.each(toBuild.map((c) => c.name))(
      "%s builds with azle build, and its .did describes tincan's interface",
      async (name) => {
        const c = toBuild.find((x) => x.name === name);
        if (c === undefined) throw new Error(name);
        const azleDid = parseDid(await azleBuild(c.main, 280_000));
        const ours = parseDid(await replica.candidOf(c.main));
        const methods = (s: IDL.ServiceClass): string[] => s._fields.map(([n]) => n).sort();
        expect(methods(azleDid.service)).toEqual(methods(ours.service));
        expect(sameType(azleDid.service, ours.service)).toBe(true);
        expect(
          sameType(IDL.Tuple(...(azleDid.initArgs ?? [])), IDL.Tuple(...(ours.initArgs ?? []))),
        ).toBe(true);
      },
      300_000,
    );
  });
});
