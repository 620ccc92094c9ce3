/** `tincan canister call|id|status|stop|start|delete|metadata|logs`. */
import * as Option from 'effect/Option';
import { Argument, Command, Flag } from 'effect/cli';
import type { HttpAgent } from '@dfinity/agent';
import type { ResolvedCanister } from '../resolve-canister.js';
import { action, agentFor, hostFlag, identityFlag } from './shared.js';

const canisterArg = Argument.String('canister').pipe(Argument.withDescription('canister name (from dfx.json, once deployed) or id'));

interface Target {
  readonly agent: HttpAgent;
  readonly canister: ResolvedCanister;
  readonly label: string;
}

async function target(options: { canister: string; host: string; identity: Option.Option<string> }): Promise<Target> {
  const { resolveCanister } = await import('../resolve-canister.js');
  const canister = resolveCanister(process.cwd(), options.host, options.canister);
  const agent = await agentFor(options.host, options.identity);
  return { agent, canister, label: canister.name ?? canister.id.toText() };
}

const callCommand = Command.make(
  'call',
  {
    canister: canisterArg,
    method: Argument.String('method').pipe(Argument.withDescription('method name')),
    argument: Argument.String('argument').pipe(Argument.withDescription(`arguments in Candid text, e.g. '(5 : nat, "x")'`), Argument.optional),
    query: Flag.Boolean('query').pipe(Flag.withDescription('send as a query (default: as the method is declared)'), Flag.withDefault(false)),
    update: Flag.Boolean('update').pipe(Flag.withDescription('send as an update call, even to a query method'), Flag.withDefault(false)),
    output: Flag.Literals('output', ['candid', 'json']).pipe(Flag.withDescription('reply format'), Flag.withDefault('candid' as const)),
    host: hostFlag,
    identity: identityFlag,
  },
  action(async (options) => {
    const { CliError } = await import('../cli-error.js');
    if (options.query && options.update) throw new CliError('ERR_USAGE', 'pass --query or --update, not both');
    const { callCanister } = await import('../canister-call.js');
    const { agent, canister, label } = await target(options);
    const reply = await callCanister({
      agent,
      canisterId: canister.id,
      label,
      method: options.method,
      argument: Option.getOrElse(options.argument, () => ''),
      query: options.query ? true : options.update ? false : undefined,
      output: options.output,
    });
    console.log(reply);
  }),
).pipe(Command.withDescription('Call a canister method with Candid text arguments; prints the reply'));

const idCommand = Command.make('id', { name: Argument.String('name').pipe(Argument.withDescription('canister name from dfx.json')), host: hostFlag }, action(async ({ name, host }) => {
  const [{ CanisterIds }, { CliError }] = await Promise.all([import('../canister-ids.js'), import('../cli-error.js')]);
  const id = new CanisterIds(process.cwd()).get(host, name);
  if (id === undefined) throw new CliError('ERR_UNKNOWN_CANISTER', `no canister '${name}' is deployed from ${process.cwd()} to ${host}; deploy it with 'tincan deploy ${name}'`);
  console.log(id);
})).pipe(Command.withDescription('Print the id of a deployed canister'));

const statusCommand = Command.make('status', { canister: canisterArg, host: hostFlag, identity: identityFlag }, action(async (options) => {
  const [{ managementCanister }, { canisterStatus }] = await Promise.all([import('../management.js'), import('../canister-admin.js')]);
  const { agent, canister, label } = await target(options);
  console.log(await canisterStatus(managementCanister(agent), canister.id, label));
})).pipe(Command.withDescription('Print status, controllers, module hash, memory and cycles of a canister'));

function lifecycleCommand(name: 'stop' | 'start' | 'delete', description: string) {
  return Command.make(name, { canister: canisterArg, host: hostFlag, identity: identityFlag }, action(async (options) => {
    const [{ managementCanister }, { lifecycle }] = await Promise.all([import('../management.js'), import('../canister-admin.js')]);
    const { agent, canister, label } = await target(options);
    await lifecycle(managementCanister(agent), name, canister.id, label);
    if (name === 'delete' && canister.name !== undefined) {
      const { CanisterIds } = await import('../canister-ids.js');
      new CanisterIds(process.cwd()).delete(options.host, canister.name);
    }
    console.log(`${name === 'stop' ? 'Stopped' : name === 'start' ? 'Started' : 'Deleted'} ${label} (${canister.id.toText()}).`);
  })).pipe(Command.withDescription(description));
}

const metadataCommand = Command.make('metadata', {
  canister: canisterArg,
  name: Argument.String('name').pipe(Argument.withDescription('metadata section; tincan serves candid:service')),
  host: hostFlag,
  identity: identityFlag,
}, action(async (options) => {
  const { CliError } = await import('../cli-error.js');
  if (options.name !== 'candid:service') throw new CliError('ERR_USAGE', `metadata '${options.name}' is not served; tincan canisters publish 'candid:service'`);
  const { fetchCandid } = await import('../canister-call.js');
  const { agent, canister, label } = await target(options);
  process.stdout.write(await fetchCandid(agent, canister.id, label));
})).pipe(Command.withDescription('Print a canister metadata section (candid:service), read through certified read_state'));

const logsCommand = Command.make('logs', {
  canister: canisterArg,
  follow: Flag.Boolean('follow').pipe(Flag.withDescription('keep printing new log lines (Ctrl-C stops)'), Flag.withDefault(false)),
  host: hostFlag,
  identity: identityFlag,
}, action(async (options) => {
  const [{ managementCanister }, { fetchLogs, formatLogRecord }] = await Promise.all([import('../management.js'), import('../canister-admin.js')]);
  const { agent, canister, label } = await target(options);
  const management = managementCanister(agent);
  let last = -1n;
  for (;;) {
    for (const record of await fetchLogs(management, canister.id, label, last)) {
      console.log(formatLogRecord(record));
      last = record.idx;
    }
    if (!options.follow) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
})).pipe(Command.withDescription('Print a canister log (fetch_canister_logs)'));

/** Commands on one canister. */
export const canisterCommand = Command.make('canister').pipe(
  Command.withSubcommands([
    callCommand,
    idCommand,
    statusCommand,
    lifecycleCommand('stop', 'Stop a canister: it refuses new calls once its open calls have finished'),
    lifecycleCommand('start', 'Start a stopped canister'),
    lifecycleCommand('delete', 'Delete a stopped canister, with its code and state'),
    metadataCommand,
    logsCommand,
  ]),
  Command.withDescription('Call and manage deployed canisters'),
);
