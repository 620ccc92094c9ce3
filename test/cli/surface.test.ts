/**
 * The CLI's surface: usage errors are one `Error:` line, help shows every flag with its
 * default and no framework flags, and output is complete when stdout is a pipe: a `.did` over
 * 1 MB read with `canister metadata … | cat` arrives byte for byte.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { Replica } from '@tincan/replica';
import { withProject, withReplica } from '../fixtures/with-replica.js';
import { ROOT } from './harness.js';

// Every step runs the CLI as a subprocess; on a loaded machine one step can take seconds.
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const BIN = path.join(ROOT, 'packages/cli/bin/tincan.js');
const { project } = withProject();

describe('usage errors and help', () => {
  it('prints one Error line and exits 1 for an unknown flag, command or a missing argument', async () => {
    for (const args of [
      ['--wizard'],
      ['canister', 'call', 'counter', 'get', '--log-level', 'debug'],
      ['canister', 'frobnicate'],
      ['canister', 'status'],
      ['start', '--port', 'x'],
    ]) {
      const res = await project.run(...args);
      expect(res.code, args.join(' ')).toBe(1);
      expect(res.stdout, args.join(' ')).toBe('');
      expect(res.stderr, args.join(' ')).toMatch(/^Error: [^\n]+\n$/);
    }
    expect((await project.run('canister', 'call', 'counter', 'get', '--completions')).stderr).toBe(
      `Error: unknown flag '--completions' for 'tincan canister call'; see 'tincan canister call --help'\n`,
    );
  });

  it('shows flags with their defaults, and no framework flags', async () => {
    const start = await project.run('start', '--help');
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(
      /--port <port> +port to listen on; 0 picks a free one \(default: 4943\)/,
    );
    expect(start.stdout).toMatch(/--state-dir <dir> +.*\(default: \.tincan\)/);
    const call = await project.run('canister', 'call', '--help');
    expect(call.stdout).toMatch(/--output <idl\|candid\|pp\|json\|raw> +.*\(default: idl\)/);
    expect(call.stdout).toMatch(/--network <name> +.*\(default: local\)/);
    for (const res of [start, call, await project.run('--help')]) {
      expect(res.stdout).not.toMatch(/--wizard|--completions|--log-level/);
    }
  });
});

describe('complete output through a pipe', () => {
  let id: string;
  let expected: string;
  const { replica } = withReplica({
    project,
    prepare: async () => {
      // A canister whose interface has a record of 4,000 long field names: a .did of about 1.1 MB.
      const fields = Array.from(
        { length: 4000 },
        (_, i) => `    f${String(i).padStart(4, '0')}_${'x'.repeat(260)}: IDL.Nat,`,
      ).join('\n');
      const entry = path.join(project.dir, 'big.ts');
      writeFileSync(
        entry,
        `import { IDL, query } from 'azle';\nconst Big = IDL.Record({\n${fields}\n});\nexport default class {\n  @query([Big], IDL.Nat)\n  size(): bigint {\n    return 0n;\n  }\n}\n`,
      );
      const seed = await Replica.create({ stateDir: path.join(project.stateDir, 'replica') });
      id = (await seed.deploy(entry)).id.toText();
      expected = await seed.candidOf(entry);
      await seed.close();
    },
  });

  it('canister metadata … | cat passes a .did over 1 MB byte for byte', async () => {
    expect(Buffer.byteLength(expected)).toBeGreaterThan(1_000_000);

    const shell = `"${process.execPath}" "${BIN}" canister metadata ${id} candid:service --host ${replica.url} | cat`;
    const { stdout } = await promisify(execFile)('sh', ['-c', shell], {
      cwd: project.dir,
      env: { ...process.env, TINCAN_HOME: project.home },
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'buffer',
    });
    expect(stdout.length).toBe(Buffer.byteLength(expected));
    expect(stdout.equals(Buffer.from(expected))).toBe(true);
  });
});
