/**
 * Every export of the installed Azle 0.33 (`azle` and each `azle/canisters/*` subpath, read
 * from the package's own TypeScript sources) exists in tincan's CDK under the same name, as a
 * value where Azle's is a value and as a type where Azle's is a type; and each function Azle
 * exports from its IC API accepts what Azle's accepts.
 */
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import {
  azleEntries,
  createSurfaceProgram,
  kindCovers,
  moduleSurface,
  tincanFileFor,
  type ModuleSurface,
} from './azle-surface.js';

const entries = azleEntries();
const program = createSurfaceProgram([
  ...entries.values(),
  ...[...entries.keys()].map(tincanFileFor),
]);
const checker = program.getTypeChecker();

function surfaces(specifier: string): { azle: ModuleSurface; tincan: ModuleSurface | undefined } {
  const azle = moduleSurface(program, entries.get(specifier) ?? '');
  if (azle === undefined) throw new Error(`cannot read Azle's ${specifier}`);
  return { azle, tincan: moduleSurface(program, tincanFileFor(specifier)) };
}

/** Names Azle exports that tincan lacks or exports as the wrong kind, as `name (kind)`. */
function missing(specifier: string): string[] {
  const { azle, tincan } = surfaces(specifier);
  const out: string[] = [];
  for (const [name, kind] of azle.exports) {
    const have = tincan?.exports.get(name);
    if (have === undefined || !kindCovers(have, kind))
      out.push(`${name} (${kind}${have === undefined ? '' : `, tincan has ${have}`})`);
  }
  return out;
}

describe('Azle 0.33 export surface', () => {
  it('reads Azle from the installed package', () => {
    const { azle } = surfaces('azle');
    // A sanity floor: the main entry re-exports @dfinity/candid and @dfinity/principal and has
    // its own IC API, so a failed read (an empty or partial list) cannot pass as "nothing missing".
    expect(azle.exports.size).toBeGreaterThan(100);
    expect(azle.exports.get('msgCaller')).toBe('value');
    expect(entries.size).toBeGreaterThan(15);
  });

  it('has every export of the azle main entry', () => {
    expect(missing('azle')).toEqual([]);
  });

  it.each([...entries.keys()].filter((s) => s !== 'azle'))(
    'has every export of %s',
    (specifier) => {
      expect(missing(specifier)).toEqual([]);
    },
  );

  it('gives each function of the azle main entry a type that accepts what Azle accepts', () => {
    const { azle, tincan } = surfaces('azle');
    const mismatched: string[] = [];
    for (const [name, symbol] of azle.symbols) {
      const ours = tincan?.symbols.get(name);
      if (ours === undefined || ours === symbol || (symbol.flags & ts.SymbolFlags.Function) === 0)
        continue;
      const azleType = checker.getTypeOfSymbol(symbol);
      const ourType = checker.getTypeOfSymbol(ours);
      // Ours may be more general than Azle's, never narrower.
      if (!checker.isTypeAssignableTo(ourType, azleType))
        mismatched.push(
          `${name}: ${checker.typeToString(ourType)} vs Azle's ${checker.typeToString(azleType)}`,
        );
    }
    expect(mismatched).toEqual([]);
  });
});
