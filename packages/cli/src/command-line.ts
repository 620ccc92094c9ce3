/**
 * The CLI's argv parser: a small tree of noun-verb commands, each with positional arguments
 * and `--flags`. Hand-written rather than a framework so that the surface is exactly tincan's:
 * no global flags besides `--help` and `--version`, help that shows every default, and every
 * usage error as one line that names the command's `--help`.
 */
import { CliError } from './cli-error.js';

/** A `--flag` of a command. */
export interface FlagSpec {
  readonly name: string;
  readonly description: string;
  /** `boolean` flags take no value; `int` values are checked. */
  readonly type: 'string' | 'int' | 'boolean';
  /** Placeholder of the value in help, e.g. `url`. */
  readonly value?: string;
  /** The allowed values, when it is one of a few. */
  readonly choices?: readonly string[];
  /** The value when the flag is absent; shown in help. */
  readonly default?: string | number | boolean;
  /** May be given several times (the values collect in order). */
  readonly repeatable?: boolean;
}

/** A positional argument of a command. */
export interface ArgSpec {
  readonly name: string;
  readonly description: string;
  readonly optional?: boolean;
}

/** A command: either a group of subcommands or a leaf that runs. */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly args?: readonly ArgSpec[];
  readonly flags?: readonly FlagSpec[];
  readonly subcommands?: readonly CommandSpec[];
  readonly run?: (input: CommandInput) => Promise<void>;
}

type FlagValue = string | number | boolean | string[];

/** The parsed arguments and flags of one command line. */
export class CommandInput {
  readonly #args: ReadonlyMap<string, string>;
  readonly #flags: ReadonlyMap<string, FlagValue>;
  /** The command's full name, e.g. `tincan canister call`, for messages. */
  readonly command: string;

  constructor(
    command: string,
    args: ReadonlyMap<string, string>,
    flags: ReadonlyMap<string, FlagValue>,
  ) {
    this.command = command;
    this.#args = args;
    this.#flags = flags;
  }

  /** A positional argument (undefined when optional and absent). */
  arg(name: string): string | undefined {
    return this.#args.get(name);
  }

  /** A required positional argument. */
  required(name: string): string {
    const value = this.#args.get(name);
    if (value === undefined)
      throw new CliError(
        'ERR_USAGE',
        `${this.command} needs <${name}>; see '${this.command} --help'`,
      );
    return value;
  }

  /** A string flag's value, or its default, or undefined. */
  string(name: string): string | undefined {
    const value = this.#flags.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** An int flag's value or default. */
  int(name: string): number | undefined {
    const value = this.#flags.get(name);
    return typeof value === 'number' ? value : undefined;
  }

  /** A boolean flag: true when given. */
  bool(name: string): boolean {
    return this.#flags.get(name) === true;
  }

  /** A repeatable flag's values, in order. */
  list(name: string): string[] {
    const value = this.#flags.get(name);
    return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
  }

  /** Whether the flag was given on the command line (not just defaulted). */
  given(name: string): boolean {
    return this.#flags.has(`given:${name}`);
  }
}

/** What a command line asks for. */
export type Parsed =
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'run';
      readonly spec: CommandSpec & { run: NonNullable<CommandSpec['run']> };
      readonly input: CommandInput;
    };

/** Parses `argv` (without node and the script) against the command tree rooted at `root`. */
export function parseCommandLine(root: CommandSpec, argv: readonly string[]): Parsed {
  let spec = root;
  const path = [root.name];
  let i = 0;
  // Walk down the subcommands; flags before the leaf are only --help/--version.
  while (spec.subcommands !== undefined) {
    const word = argv[i];
    if (word === undefined || word === '--help' || word === '-h' || word === 'help')
      return { kind: 'help', text: renderHelp(spec, path) };
    if (word === '--version' && spec === root) return { kind: 'version' };
    const next = spec.subcommands.find((c) => c.name === word);
    if (next === undefined) {
      const what = word.startsWith('-') ? `unknown flag '${word}'` : `unknown command '${word}'`;
      throw new CliError(
        'ERR_USAGE',
        `${what} for '${path.join(' ')}'; its commands are: ${spec.subcommands.map((c) => c.name).join(', ')}`,
      );
    }
    spec = next;
    path.push(word);
    i++;
  }
  const command = path.join(' ');
  const hint = `see '${command} --help'`;
  const flags = new Map<string, FlagValue>();
  const positionals: string[] = [];
  const specs = spec.flags ?? [];
  let onlyPositionals = false;
  for (; i < argv.length; i++) {
    const word = argv[i] as string;
    if (onlyPositionals || !word.startsWith('--') || word === '--') {
      if (word === '--' && !onlyPositionals) onlyPositionals = true;
      else if (word === '-h') return { kind: 'help', text: renderHelp(spec, path) };
      else positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (name === 'help') return { kind: 'help', text: renderHelp(spec, path) };
    const flag = specs.find((f) => f.name === name);
    if (flag === undefined)
      throw new CliError('ERR_USAGE', `unknown flag '--${name}' for '${command}'; ${hint}`);
    let value: FlagValue;
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new CliError('ERR_USAGE', `--${name} takes no value; ${hint}`);
      value = true;
    } else {
      const text = eq !== -1 ? word.slice(eq + 1) : argv[++i];
      if (text === undefined)
        throw new CliError(
          'ERR_USAGE',
          `--${name} needs a value (${flag.value ?? flag.type}); ${hint}`,
        );
      value = checkValue(flag, text, hint);
      if (flag.repeatable)
        value = [...((flags.get(name) as string[] | undefined) ?? []), String(value)];
      else if (flags.has(`given:${name}`))
        throw new CliError('ERR_USAGE', `--${name} is given twice; ${hint}`);
    }
    flags.set(name, value);
    flags.set(`given:${name}`, true);
  }
  for (const flag of specs)
    if (!flags.has(flag.name) && flag.default !== undefined) flags.set(flag.name, flag.default);
  const argSpecs = spec.args ?? [];
  if (positionals.length > argSpecs.length) {
    throw new CliError(
      'ERR_USAGE',
      `unexpected argument '${positionals[argSpecs.length] ?? ''}' for '${command}'; ${hint}`,
    );
  }
  const args = new Map<string, string>();
  argSpecs.forEach((arg, index) => {
    const value = positionals[index];
    if (value !== undefined) args.set(arg.name, value);
    else if (arg.optional !== true)
      throw new CliError('ERR_USAGE', `missing argument <${arg.name}> for '${command}'; ${hint}`);
  });
  if (spec.run === undefined) return { kind: 'help', text: renderHelp(spec, path) };
  return {
    kind: 'run',
    spec: spec as CommandSpec & { run: NonNullable<CommandSpec['run']> },
    input: new CommandInput(command, args, flags),
  };
}

function checkValue(flag: FlagSpec, text: string, hint: string): string | number {
  if (flag.choices !== undefined && !flag.choices.includes(text)) {
    throw new CliError(
      'ERR_USAGE',
      `--${flag.name} '${text}' is not one of ${flag.choices.join(', ')}; ${hint}`,
    );
  }
  if (flag.type !== 'int') return text;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new CliError('ERR_USAGE', `--${flag.name} '${text}' is not an integer; ${hint}`);
  return n;
}

/** The help text of a command: usage, description, arguments, flags with defaults, subcommands. */
export function renderHelp(spec: CommandSpec, path: readonly string[]): string {
  const lines: string[] = [];
  const args = (spec.args ?? []).map((a) => (a.optional === true ? `[${a.name}]` : `<${a.name}>`));
  const usage = [
    ...path,
    ...(spec.subcommands !== undefined ? ['<command>'] : []),
    ...args,
    ...((spec.flags ?? []).length > 0 ? ['[flags]'] : []),
  ];
  lines.push(`Usage: ${usage.join(' ')}`, '', spec.description);
  const table = (title: string, rows: [string, string][]): void => {
    if (rows.length === 0) return;
    const width = Math.max(...rows.map(([left]) => left.length));
    lines.push(
      '',
      `${title}:`,
      ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    );
  };
  table(
    'Commands',
    (spec.subcommands ?? []).map((c) => [c.name, c.description]),
  );
  table(
    'Arguments',
    (spec.args ?? []).map((a) => [a.name, a.description]),
  );
  table(
    'Flags',
    [
      ...(spec.flags ?? []),
      { name: 'help', type: 'boolean', description: 'print this help' } as FlagSpec,
    ].map((f) => {
      const value =
        f.type === 'boolean'
          ? ''
          : ` <${f.value ?? (f.choices !== undefined ? f.choices.join('|') : f.type)}>`;
      const more = [
        f.default !== undefined && f.type !== 'boolean' ? `default: ${String(f.default)}` : '',
        f.repeatable === true ? 'repeatable' : '',
      ].filter(Boolean);
      return [
        `--${f.name}${value}`,
        `${f.description}${more.length > 0 ? ` (${more.join('; ')})` : ''}`,
      ];
    }),
  );
  if (spec.subcommands !== undefined)
    lines.push('', `Run '${path.join(' ')} <command> --help' for a command's arguments and flags.`);
  return `${lines.join('\n')}\n`;
}
