/** `tincan canister call|id|status|metadata|logs` and the management verbs of canister-manage.ts. */
import type { CommandSpec } from '../command-line.js';
import { OUTPUT_FORMATS } from '../canister-call.js';
import { manageCommands } from './canister-manage.js';
import { canisterArg, networkOf, replicaFlags, targetOf } from './shared.js';

const callCommand: CommandSpec = {
  name: 'call',
  description: 'Call a canister method with Candid text (or raw hex) arguments; prints the reply',
  args: [canisterArg, { name: 'method', description: 'method name' }, { name: 'argument', description: `arguments in Candid text, e.g. '(5 : nat, "x")'; hex bytes with --type raw`, optional: true }],
  flags: [
    { name: 'query', type: 'boolean', description: 'send as a query (default: as the method is declared)' },
    { name: 'update', type: 'boolean', description: 'send as an update call, even to a query method' },
    { name: 'type', type: 'string', choices: ['idl', 'raw'], default: 'idl', description: 'how the argument is written' },
    { name: 'argument-file', type: 'string', value: 'file', description: 'read the argument from a file instead' },
    { name: 'candid', type: 'string', value: 'file', description: `.did file with the method's types (for methods the canister does not publish)` },
    { name: 'output', type: 'string', choices: OUTPUT_FORMATS, default: 'idl', description: 'reply format: Candid text, JSON (one value bare), or hex' },
    ...replicaFlags,
  ],
  run: async (input) => {
    const [{ CliError }, { callCanister }, { readFileSync }] = await Promise.all([import('../cli-error.js'), import('../canister-call.js'), import('node:fs')]);
    if (input.bool('query') && input.bool('update')) throw new CliError('ERR_USAGE', 'pass --query or --update, not both');
    const file = input.string('argument-file');
    if (file !== undefined && input.arg('argument') !== undefined) throw new CliError('ERR_USAGE', 'pass the argument or --argument-file, not both');
    const argument = file !== undefined ? readText(file, '--argument-file') : input.arg('argument') ?? '';
    const target = await targetOf(input);
    const candidFile = input.string('candid');
    let candid = candidFile !== undefined ? readText(candidFile, '--candid') : undefined;
    if (candid === undefined && target.name !== undefined) {
      const { DeployedInterfaces } = await import('../deployed-interfaces.js');
      candid = new DeployedInterfaces(process.cwd()).candidOf(target.network.url, target.name);
    }
    const reply = await callCanister({
      agent: target.agent,
      canisterId: target.id,
      label: target.label,
      method: input.required('method'),
      argument,
      argType: input.string('type') === 'raw' ? 'raw' : 'idl',
      query: input.bool('query') ? true : input.bool('update') ? false : undefined,
      output: input.string('output') as (typeof OUTPUT_FORMATS)[number],
      candid,
    });
    process.stdout.write(`${reply}\n`);
    function readText(path: string, flag: string): string {
      try {
        return readFileSync(path, 'utf8');
      } catch (err) {
        throw new CliError('ERR_USAGE', `${flag} ${path}: ${(err as Error).message}`);
      }
    }
  },
};

const idCommand: CommandSpec = {
  name: 'id',
  description: 'Print the id of a deployed canister',
  args: [{ name: 'name', description: 'canister name from dfx.json' }],
  flags: replicaFlags.filter((f) => f.name !== 'identity'),
  run: async (input) => {
    const [{ CanisterIds }, { CliError }] = await Promise.all([import('../canister-ids.js'), import('../cli-error.js')]);
    const network = networkOf(input);
    const name = input.required('name');
    const id = new CanisterIds(process.cwd()).get(network.url, name);
    if (id === undefined) throw new CliError('ERR_UNKNOWN_CANISTER', `no canister '${name}' is deployed from ${process.cwd()} to ${network.url}; deploy it with 'tincan deploy ${name}'`);
    process.stdout.write(`${id}\n`);
  },
};

const statusCommand: CommandSpec = {
  name: 'status',
  description: 'Print status, controllers, settings, module hash, memory and cycles of a canister',
  args: [canisterArg],
  flags: [{ name: 'output', type: 'string', choices: ['text', 'json'], default: 'text', description: 'text as dfx prints it, or JSON' }, ...replicaFlags],
  run: async (input) => {
    const [{ managementCanister }, admin] = await Promise.all([import('../management.js'), import('../canister-admin.js')]);
    const target = await targetOf(input);
    const status = await admin.canisterStatus(managementCanister(target.agent), target.id, target.label);
    process.stdout.write(`${input.string('output') === 'json' ? admin.statusJson(target.id, status) : admin.formatStatus(status)}\n`);
  },
};

const metadataCommand: CommandSpec = {
  name: 'metadata',
  description: 'Print a canister metadata section (candid:service), read through certified read_state',
  args: [canisterArg, { name: 'name', description: 'metadata section; tincan serves candid:service' }],
  flags: replicaFlags,
  run: async (input) => {
    const { CliError } = await import('../cli-error.js');
    const name = input.required('name');
    if (name !== 'candid:service') throw new CliError('ERR_USAGE', `metadata '${name}' is not served; tincan canisters publish 'candid:service'`);
    const { fetchCandid } = await import('../canister-call.js');
    const target = await targetOf(input);
    process.stdout.write(await fetchCandid(target.agent, target.id, target.label));
  },
};

const logsCommand: CommandSpec = {
  name: 'logs',
  description: 'Print a canister log (fetch_canister_logs)',
  args: [canisterArg],
  flags: [{ name: 'follow', type: 'boolean', description: 'keep printing new log lines (Ctrl-C stops)' }, ...replicaFlags],
  run: async (input) => {
    const [{ managementCanister }, { fetchLogs, formatLogRecord }] = await Promise.all([import('../management.js'), import('../canister-admin.js')]);
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
  subcommands: [callCommand, idCommand, statusCommand, metadataCommand, logsCommand, ...manageCommands],
};
