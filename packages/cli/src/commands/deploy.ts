/** `tincan deploy` and `tincan generate`. */
import type { CommandInput, CommandSpec } from '../command-line.js';
import type { DeployMode, DeployOptions } from '../deploy.js';
import type { Placement } from '../placement-choice.js';
import { agentFor, networkOf, replicaFlags } from './shared.js';

/** The flags of commands that install code. */
export const installFlags: CommandSpec['flags'] = [
  {
    name: 'argument',
    type: 'string',
    value: 'candid',
    description: `init arguments in Candid text, e.g. '(1 : nat)'; overrides dfx.json's init_arg`,
  },
  {
    name: 'argument-file',
    type: 'string',
    value: 'file',
    description: 'read the init arguments from a file',
  },
  {
    name: 'mode',
    type: 'string',
    choices: ['auto', 'install', 'reinstall', 'upgrade'],
    default: 'auto',
    description: 'install into an empty canister, upgrade one with code (auto), or force one',
  },
];

/** Where new canisters go, with dfx's flags (`tincan start --subnets N` hosts several subnets). */
export const placementFlags: CommandSpec['flags'] = [
  {
    name: 'subnet',
    type: 'string',
    value: 'index|principal',
    description: `create new canisters on this subnet: its index (0, 1, …) or principal; default: dfx.json's tincan.subnet, else subnet 0`,
  },
  {
    name: 'next-to',
    type: 'string',
    value: 'canister',
    description: 'create new canisters on the subnet of this canister (name or principal)',
  },
  {
    name: 'specified-id',
    type: 'string',
    value: 'principal',
    description: `create the canister with this id, on the subnet whose range holds it; overrides dfx.json's specified_id`,
  },
];

/** The placement flags of a command, checked (one at most) before anything connects. */
async function placementOf(input: CommandInput): Promise<Placement> {
  const { checkPlacement } = await import('../placement-choice.js');
  const placement = {
    subnet: input.string('subnet'),
    nextTo: input.string('next-to'),
    specifiedId: input.string('specified-id'),
  };
  checkPlacement(placement, input.command);
  return placement;
}

/** The deploy options a command's flags give. */
export async function deployOptions(
  input: CommandInput,
  name: string | undefined,
): Promise<DeployOptions> {
  const [{ readFileSync }, { CliError }] = await Promise.all([
    import('node:fs'),
    import('../cli-error.js'),
  ]);
  const file = input.string('argument-file');
  if (file !== undefined && input.string('argument') !== undefined)
    throw new CliError('ERR_USAGE', 'pass --argument or --argument-file, not both');
  let argument = input.string('argument');
  if (file !== undefined) {
    try {
      argument = readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError('ERR_USAGE', `--argument-file ${file}: ${(err as Error).message}`);
    }
  }
  const network = networkOf(input);
  const placement = await placementOf(input);
  return {
    projectDir: process.cwd(),
    host: network.url,
    agent: await agentFor(network, input.string('identity')),
    name,
    argument,
    mode: input.string('mode') as DeployMode | undefined,
    placement,
    log: (line) => process.stdout.write(`${line}\n`),
  };
}

/** Bundles, creates and installs (or upgrades) the project's canisters. */
export const deployCommand: CommandSpec = {
  name: 'deploy',
  description: `Create, bundle and install (or upgrade) the canisters of ./dfx.json, dependencies first; writes their .did files`,
  args: [
    {
      name: 'name',
      description: 'canister of dfx.json to deploy, after its dependencies (all by default)',
      optional: true,
    },
  ],
  flags: [...(installFlags ?? []), ...(placementFlags ?? []), ...replicaFlags],
  run: async (input) => {
    const { deployProject, selectCanisters } = await import('../deploy.js');
    const name = input.arg('name');
    selectCanisters(process.cwd(), name, input.string('argument')); // dfx.json errors before connecting
    const options = await deployOptions(input, name);
    const deployed = await deployProject(options);
    process.stdout.write(
      `\nDeployed to ${options.host}:\n${deployed.map((c) => `  ${c.name.padEnd(16)} ${c.id.toText()}\n`).join('')}`,
    );
  },
};

/** Generates JS/TS bindings from the project's .did files. */
export const generateCommand: CommandSpec = {
  name: 'generate',
  description: `Write dfx generate's JS/TS bindings (index.js with createActor, <name>.did.js, <name>.did.d.ts) from the .did files deploy writes`,
  args: [{ name: 'name', description: 'canister of dfx.json (all by default)', optional: true }],
  flags: [
    {
      name: 'out-dir',
      type: 'string',
      value: 'dir',
      description: `where bindings go, one folder per canister (default: dfx.json's declarations.output, else src/declarations/<name>)`,
    },
    ...replicaFlags.filter((f) => f.name !== 'identity'),
  ],
  run: async (input) => {
    const { generateBindings } = await import('../generate.js');
    const written = await generateBindings(
      process.cwd(),
      input.string('out-dir'),
      input.arg('name'),
      networkOf(input).url,
    );
    for (const dir of written) process.stdout.write(`wrote ${dir}\n`);
  },
};
