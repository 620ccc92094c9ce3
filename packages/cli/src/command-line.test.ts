import { describe, expect, it } from 'vitest';
import { parseCommandLine, type CommandSpec } from './command-line.js';

const ran: string[] = [];
const tree: CommandSpec = {
  name: 'tool',
  description: 'a tool',
  subcommands: [
    {
      name: 'call',
      description: 'call something',
      args: [
        { name: 'target', description: 'what' },
        { name: 'extra', description: 'more', optional: true },
      ],
      flags: [
        {
          name: 'output',
          type: 'string',
          choices: ['a', 'b'],
          default: 'a',
          description: 'format',
        },
        { name: 'port', type: 'int', description: 'a port', default: 1 },
        { name: 'quiet', type: 'boolean', description: 'say less' },
        { name: 'tag', type: 'string', repeatable: true, description: 'tags' },
      ],
      run: async (input) => void ran.push(input.required('target')),
    },
  ],
};

describe('parseCommandLine', () => {
  it('parses arguments, flags in both spellings, defaults and repeats', () => {
    const parsed = parseCommandLine(tree, [
      'call',
      'x',
      '--output=b',
      '--port',
      '7',
      '--quiet',
      '--tag',
      'p',
      '--tag',
      'q',
      '--',
      '--not-a-flag',
    ]);
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.input.arg('target')).toBe('x');
    expect(parsed.input.arg('extra')).toBe('--not-a-flag');
    expect(parsed.input.string('output')).toBe('b');
    expect(parsed.input.int('port')).toBe(7);
    expect(parsed.input.bool('quiet')).toBe(true);
    expect(parsed.input.list('tag')).toEqual(['p', 'q']);
    const defaults = parseCommandLine(tree, ['call', 'x']);
    if (defaults.kind !== 'run') throw new Error('not run');
    expect([
      defaults.input.string('output'),
      defaults.input.int('port'),
      defaults.input.bool('quiet'),
      defaults.input.given('output'),
    ]).toEqual(['a', 1, false, false]);
  });

  it('refuses mistakes with one line that names the help', () => {
    const error = (argv: string[]): string => {
      try {
        parseCommandLine(tree, argv);
      } catch (err) {
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(error(['call', 'x', '--nope'])).toBe(
      `unknown flag '--nope' for 'tool call'; see 'tool call --help'`,
    );
    expect(error(['call'])).toBe(
      `missing argument <target> for 'tool call'; see 'tool call --help'`,
    );
    expect(error(['call', 'x', 'y', 'z'])).toBe(
      `unexpected argument 'z' for 'tool call'; see 'tool call --help'`,
    );
    expect(error(['call', 'x', '--output', 'c'])).toBe(
      `--output 'c' is not one of a, b; see 'tool call --help'`,
    );
    expect(error(['call', 'x', '--port', '1.5'])).toBe(
      `--port '1.5' is not an integer; see 'tool call --help'`,
    );
    expect(error(['call', 'x', '--port'])).toBe(
      `--port needs a value (int); see 'tool call --help'`,
    );
    expect(error(['call', 'x', '--output', 'a', '--output', 'b'])).toBe(
      `--output is given twice; see 'tool call --help'`,
    );
    expect(error(['cal'])).toBe(`unknown command 'cal' for 'tool'; its commands are: call`);
    for (const message of ['call', 'x', '--nope'].map(() => error(['call', 'x', '--nope'])))
      expect(message).not.toContain('\n');
  });

  it('prints help with defaults for --help, -h and a bare group', () => {
    for (const argv of [
      ['call', '--help'],
      ['call', 'x', '-h'],
    ]) {
      const parsed = parseCommandLine(tree, argv);
      expect(parsed.kind).toBe('help');
      if (parsed.kind !== 'help') return;
      expect(parsed.text).toContain('Usage: tool call <target> [extra] [flags]');
      expect(parsed.text).toMatch(/--output <a\|b> +format \(default: a\)/);
      expect(parsed.text).toMatch(/--tag <string> +tags \(repeatable\)/);
    }
    const group = parseCommandLine(tree, []);
    expect(group.kind === 'help' && group.text).toContain('Commands:\n  call  call something');
    expect(parseCommandLine(tree, ['--version']).kind).toBe('version');
  });
});
