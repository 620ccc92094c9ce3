/**
 * Reads ARCHITECTURE.md's "Where things live" table (behaviour → file(s) → how) and checks it
 * against a source tree. Every backticked entry of the file column is a path relative to the
 * repository root; the check names each one that does not exist, so the table cannot drift
 * from the code silently. The functions take the text and the root, so a test can run them on a
 * synthetic table.
 */
import fs from 'node:fs';
import path from 'node:path';

/** One row of the table. */
export interface PlaceRow {
  readonly behaviour: string;
  readonly paths: readonly string[];
  readonly how: string;
}

/** Heading of the section that holds the table. */
export const WHERE_THINGS_LIVE = '## Where things live';

/** The section's text, from its heading to the next `## ` heading; undefined when absent. */
function sectionOf(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}

/** Cells of a `| a | b | c |` line, trimmed. */
function cellsOf(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/**
 * The rows of the "Where things live" table in `markdown`. Throws when the section or its table
 * is missing, or a row does not have three cells, so a malformed table fails loudly instead of
 * checking nothing.
 */
export function parsePlaces(markdown: string): PlaceRow[] {
  const section = sectionOf(markdown, WHERE_THINGS_LIVE);
  if (section === undefined) throw new Error(`no "${WHERE_THINGS_LIVE}" section`);
  const tableLines = section.split('\n').filter((line) => line.trim().startsWith('|'));
  const [header, separator, ...body] = tableLines;
  if (
    header === undefined ||
    separator === undefined ||
    !/^\|?[\s:|-]+\|?$/.test(separator.trim())
  ) {
    throw new Error(`no table in "${WHERE_THINGS_LIVE}"`);
  }
  return body.map((line) => {
    const cells = cellsOf(line);
    if (cells.length !== 3) throw new Error(`row with ${cells.length} cells, not 3: ${line}`);
    const [behaviour, files, how] = cells as [string, string, string];
    const paths = [...files.matchAll(/`([^`]+)`/g)].map((match) => match[1] as string);
    return { behaviour, paths, how };
  });
}

/**
 * What is wrong with `rows` against the tree at `root`: a row naming no path, a path that is not
 * relative to the root, a path that does not exist.
 */
export function placeProblems(rows: readonly PlaceRow[], root: string): string[] {
  const problems: string[] = [];
  for (const row of rows) {
    if (row.paths.length === 0) problems.push(`${row.behaviour}: names no file`);
    for (const file of row.paths) {
      if (path.isAbsolute(file) || file.split('/').includes('..'))
        problems.push(`${row.behaviour}: ${file} is not relative to the repository root`);
      else if (!fs.existsSync(path.join(root, file)))
        problems.push(`${row.behaviour}: ${file} does not exist`);
    }
  }
  return problems;
}
