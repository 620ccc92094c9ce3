/** `tincan canister call|id|status|metadata|logs` and the management verbs of canister-manage.ts. */
import type { CommandSpec } from '../command-line.js';
import { OUTPUT_FORMATS } from '../output-format.js';
import { manageCommands } from './canister-manage.js';
import { canisterArg, networkOf, replicaFlags, targetOf } from './shared.js';

const callCommand: CommandSpec = {
  name: 'call',
  description: 'Call a canister method with Candid text (or raw hex) arguments; prints the reply',
  args: [
    canisterArg,
    { name: 'method', description: 'method name' },
    {
      name: 'argument',
      description: `arguments in Candid text, e.g. '(5 : nat, "x")'; hex bytes with --type raw`,
      optional: true,
    },
  ],
  flags: [
    {
      name: 'query',
      type: 'boolean',
      description: 'send as a query (default: as the method is declared)',
    },
    {
      name: 'update',
      type: 'boolean',
      description: 'send as an update call, even to a query method',
    },
    {
      name: 'type',
      type: 'string',
      choices: ['idl', 'raw'],
      default: 'idl',
      description: 'how the argument is written',
    },
    {
      name: 'argument-file',
      type: 'string',
      value: 'file',
      description: 'read the argument from a file instead',
    },
    {
      name: 'candid',
      type: 'string',
      value: 'file',
      description: `.did file with the method's types (for methods the canister does not publish)`,
    },
    {
      name: 'output',
      type: 'string',
      choices: OUTPUT_FORMATS,
      default: 'idl',
      description: 'reply format: Candid text, JSON (one value bare), or hex',
    },
    ...replicaFlags,
  ],
  // One module with the whole call statically imported: bundled as one file (scripts/bundle.mjs).
  run: async (input) => (await import('../call-command.js')).runCall(input),
};

const idCommand: CommandSpec = {
  name: 'id',
  description: 'Print the id of a deployed canister',
  args: [{ name: 'name', description: 'canister name from dfx.json' }],
  flags: replicaFlags.filter((f) => f.name !== 'identity'),
  run: async (input) => {
    const [{ CanisterIds }, { CliError }] = await Promise.all([
      import('../canister-ids.js'),
      import('../cli-error.js'),
    ]);
    const network = networkOf(input);
    const name = input.required('name');
    const id = new CanisterIds(process.cwd()).get(network.url, name);
    if (id === undefined)
      throw new CliError(
        'ERR_UNKNOWN_CANISTER',
        `no canister '${name}' is deployed from ${process.cwd()} to ${network.url}; deploy it with 'tincan deploy ${name}'`,
      );
    process.stdout.write(`${id}\n`);
  },
};

const statusCommand: CommandSpec = {
  name: 'status',
  description: 'Print status, controllers, settings, module hash, memory and cycles of a canister',
  args: [canisterArg],
  flags: [
    {
      name: 'output',
      type: 'string',
      choices: ['text', 'json'],
      default: 'text',
      description: 'text as dfx prints it, or JSON',
    },
    ...replicaFlags,
  ],
  run: async (input) => {
    const [{ managementCanister }, admin] = await Promise.all([
      import('../management.js'),
      import('../canister-admin.js'),
    ]);
    const target = await targetOf(input);
    const status = await admin.canisterStatus(
      managementCanister(target.agent),
      target.id,
      target.label,
    );
    process.stdout.write(
      `${input.string('output') === 'json' ? admin.statusJson(target.id, status) : admin.formatStatus(status)}\n`,
    );
  },
};

const metadataCommand: CommandSpec = {
  name: 'metadata',
  description:
    'Print a canister metadata section (candid:service), read through certified read_state',
  args: [
    canisterArg,
    { name: 'name', description: 'metadata section; tincan serves candid:service' },
  ],
  flags: replicaFlags,
  run: async (input) => {
    const { CliError } = await import('../cli-error.js');
    const name = input.required('name');
    if (name !== 'candid:service')
      throw new CliError(
        'ERR_USAGE',
        `metadata '${name}' is not served; tincan canisters publish 'candid:service'`,
      );
    const { fetchCandid } = await import('../canister-call.js');
    const target = await targetOf(input);
    process.stdout.write(await fetchCandid(target.agent, target.id, target.label));
  },
};

const logsCommand: CommandSpec = {
  name: 'logs',
  description: 'Print a canister log (fetch_canister_logs)',
  args: [canisterArg],
  flags: [
    { name: 'follow', type: 'boolean', description: 'keep printing new log lines (Ctrl-C stops)' },
    ...replicaFlags,
  ],
  run: async (input) => {
    const [{ managementCanister }, { fetchLogs, formatLogRecord }] = await Promise.all([
      import('../management.js'),
      import('../canister-admin.js'),
    ]);
    const target = await targetOf(input);
    const management = managementCanister(target.agent);
    let last = -1n;
    for (;;) {
      for (const record of await fetchLogs(management, target.id, target.label, last)) {
        process.stdout.write(`${formatLogRecord(record)}\n`);
        last = record.idx;
      }
      if (!input.bool('follow')) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  },
};

/** Commands on one canister. */
export const canisterCommand: CommandSpec = {
  name: 'canister',
  description: 'Call and manage canisters',
  subcommands: [
    callCommand,
    idCommand,
    statusCommand,
    metadataCommand,
    logsCommand,
    ...manageCommands,
  ],
};
