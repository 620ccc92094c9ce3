import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePlaces, placeProblems } from './where-things-live.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('ARCHITECTURE.md\'s "Where things live" table', () => {
  const rows = parsePlaces(fs.readFileSync(path.join(root, 'ARCHITECTURE.md'), 'utf8'));

  it('has at least 30 behaviours, each named once', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    const names = rows.map((row) => row.behaviour.toLowerCase());
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  it('names only files that exist, relative to the repository root', () => {
    expect(placeProblems(rows, root)).toEqual([]);
  });
});

describe('the table check itself', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tincan-places-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tmp, 'packages/a/src'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'packages/a/src/here.ts'), 'export {};\n');

  const doc = (rows: string): string =>
    [
      '# Architecture',
      '',
      '## Where things live',
      '',
      '| behaviour | file(s) | how |',
      '|---|---|---|',
      rows,
      '',
      '## Next',
      '| x | `not/a/row.ts` | y |',
      '',
    ].join('\n');

  it('reads the rows of the section only, with every backticked path of the file column', () => {
    const rows = parsePlaces(
      doc('| Thing | `packages/a/src/here.ts`, `packages/a/src` | does `it` |'),
    );
    expect(rows).toEqual([
      { behaviour: 'Thing', paths: ['packages/a/src/here.ts', 'packages/a/src'], how: 'does `it`' },
    ]);
    expect(placeProblems(rows, tmp)).toEqual([]);
  });

  it('fails on a missing path, a row with no path and a path outside the root', () => {
    const rows = parsePlaces(
      doc(
        [
          '| Gone | `packages/a/src/here.ts`, `packages/a/src/gone.ts` | moved |',
          '| Empty | nowhere | - |',
          '| Out | `../elsewhere.ts` | - |',
          '| Abs | `/etc/hosts` | - |',
        ].join('\n'),
      ),
    );
    expect(placeProblems(rows, tmp)).toEqual([
      'Gone: packages/a/src/gone.ts does not exist',
      'Empty: names no file',
      'Out: ../elsewhere.ts is not relative to the repository root',
      'Abs: /etc/hosts is not relative to the repository root',
    ]);
  });

  it('refuses a document without the section or its table, and a row of the wrong shape', () => {
    expect(() => parsePlaces('# Architecture\n\n## Packages\n')).toThrow(
      'no "## Where things live" section',
    );
    expect(() => parsePlaces('## Where things live\n\nNo table here.\n')).toThrow('no table');
    expect(() => parsePlaces(doc('| Two | cells |'))).toThrow('row with 2 cells, not 3');
  });
});
