import { describe, expect, it } from 'vitest';
import { BundleSourceMap, sharedSourceMap } from './source-maps.js';

/** A map of one line: bundle column 0 of line 1 comes from src/a.ts line 3, column 5. */
const MAP = JSON.stringify({ version: 3, sources: ['src/a.ts'], names: [], mappings: 'AAEI' });

describe('bundle source maps', () => {
  it('parses only when a line needs it, and maps frames then', () => {
    // Catches: parsing the map at install (about 10 ms for a real bundle, per canister).
    const broken = new BundleSourceMap('{ not json');
    expect(broken.rewrite('no frames here')).toBe('no frames here');
    expect(() => broken.rewrite('at canister:aaaaa-aa/index.js:1:1')).toThrow();
    expect(new BundleSourceMap(MAP).rewrite('at f (canister:aaaaa-aa/index.js:1:1)')).toBe(
      'at f (src/a.ts:3:5)',
    );
  });

  it('one instance per map text, shared by every canister installed with it', () => {
    // Catches: a new map (and a new parse) per install of the same bundle.
    const a = sharedSourceMap(MAP);
    expect(sharedSourceMap(MAP)).toBe(a);
    expect(sharedSourceMap(`${MAP} `)).not.toBe(a);
  });
});
