/**
 * `tincan canister create|install|uninstall-code|stop|start|delete|deposit-cycles|
 * update-settings|snapshot`: dfx's management verbs.
 */
import type { CommandInput, CommandSpec, FlagSpec } from '../command-line.js';
import { deployOptions, installFlags, placementFlags } from './deploy.js';
import { canisterArg, replicaFlags, targetOf, type Target } from './shared.js';

async function management(target: Target): Promise<import('../management.js').ManagementCanister> {
  return (await import('../management.js')).managementCanister(target.agent);
}

async function cycles(text: string, what: string): Promise<bigint> {
  const { CliError } = await import('../cli-error.js');
  const clean = text.replace(/_/g, '');
  if (!/^\d+$/.test(clean))
    throw new CliError(
      'ERR_USAGE',
      `${what} '${text}' is not a number of cycles, e.g. 1_000_000_000_000`,
    );
  return BigInt(clean);
}

const createCommand: CommandSpec = {
  name: 'create',
  description:
    'Create empty canisters for dfx.json names (and their dependencies) and record their ids',
  args: [{ name: 'name', description: 'canister of dfx.json (all by default)', optional: true }],
  flags: [
    {
      name: 'with-cycles',
      type: 'string',
      value: 'cycles',
      description: 'cycles of each new canister (default: the replica default, 100T)',
    },
    ...(placementFlags ?? []),
    ...replicaFlags,
  ],
  run: async (input) => {
    const { createCanisters, selectCanisters } = await import('../deploy.js');
    const selected = selectCanisters(process.cwd(), input.arg('name'), undefined);
    const withCycles = input.string('with-cycles');
    const options = {
      ...(await deployOptions(input, input.arg('name'))),
      cycles: withCycles === undefined ? undefined : await cycles(withCycles, '--with-cycles'),
    };
    const ids = await createCanisters(selected, options);
    for (const [name, id] of ids) process.stdout.write(`${name.padEnd(16)} ${id.toText()}\n`);
  },
};

const installCommand: CommandSpec = {
  name: 'install',
  description: `Bundle a dfx.json canister and install its code into its (created) canister`,
  args: [{ name: 'name', description: 'canister of dfx.json' }],
  flags: [...(installFlags ?? []), ...replicaFlags],
  run: async (input) => {
    const [{ installOneCanister, selectCanisters }, { CanisterIds }, { CliError }, { Principal }] =
      await Promise.all([
        import('../deploy.js'),
        import('../canister-ids.js'),
        import('../cli-error.js'),
        import('@dfinity/principal'),
      ]);
    const name = input.required('name');
    const canister = selectCanisters(process.cwd(), name, undefined).find((c) => c.name === name);
    const options = await deployOptions(input, name);
    const recorded = new CanisterIds(process.cwd()).get(options.host, name);
    if (canister === undefined || recorded === undefined)
      throw new CliError(
        'ERR_UNKNOWN_CANISTER',
        `canister '${name}' is not created on ${options.host}; run 'tincan canister create ${name}' first (or 'tincan deploy ${name}')`,
      );
    await installOneCanister(canister, Principal.fromText(recorded), options);
  },
};

function lifecycleCommand(
  name: 'stop' | 'start' | 'delete' | 'uninstall-code',
  description: string,
): CommandSpec {
  const done = {
    stop: 'Stopped',
    start: 'Started',
    delete: 'Deleted',
    'uninstall-code': 'Uninstalled the code of',
  }[name];
  return {
    name,
    description,
    args: [canisterArg],
    flags: replicaFlags,
    run: async (input) => {
      const [{ lifecycle }, { CanisterIds }, { DeployedInterfaces }] = await Promise.all([
        import('../canister-admin.js'),
        import('../canister-ids.js'),
        import('../deployed-interfaces.js'),
      ]);
      const target = await targetOf(input);
      await lifecycle(await management(target), name, target.id, target.label);
      if ((name === 'delete' || name === 'uninstall-code') && target.name !== undefined) {
        new DeployedInterfaces(process.cwd()).forget(target.network.url, target.name);
        if (name === 'delete')
          new CanisterIds(process.cwd()).delete(target.network.url, target.name);
      }
      process.stdout.write(`${done} ${target.label} (${target.id.toText()}).\n`);
    },
  };
}

const depositCommand: CommandSpec = {
  name: 'deposit-cycles',
  description: `Add cycles to a canister (the local replica's faucet: provisional_top_up_canister)`,
  args: [{ name: 'cycles', description: 'amount, e.g. 1_000_000_000_000' }, canisterArg],
  flags: replicaFlags,
  run: async (input) => {
    const { topUp } = await import('../canister-admin.js');
    const amount = await cycles(input.required('cycles'), '<cycles>');
    const target = await targetOf(input);
    const balance = await topUp(await management(target), target.id, target.label, amount);
    process.stdout.write(`Deposited ${amount} cycles, updated balance: ${balance} cycles\n`);
  },
};

const settingsFlags: FlagSpec[] = [
  {
    name: 'set-controller',
    type: 'string',
    value: 'principal',
    repeatable: true,
    description: 'replace the controllers with these',
  },
  {
    name: 'add-controller',
    type: 'string',
    value: 'principal',
    repeatable: true,
    description: 'add a controller',
  },
  {
    name: 'remove-controller',
    type: 'string',
    value: 'principal',
    repeatable: true,
    description: 'remove a controller',
  },
  {
    name: 'freezing-threshold',
    type: 'string',
    value: 'seconds',
    description: 'freezing threshold',
  },
  {
    name: 'memory-allocation',
    type: 'string',
    value: 'bytes',
    description: 'reserved memory (0: best effort)',
  },
  {
    name: 'compute-allocation',
    type: 'string',
    value: 'percent',
    description: 'compute allocation, 0 to 100',
  },
  { name: 'wasm-memory-limit', type: 'string', value: 'bytes', description: 'heap limit' },
  {
    name: 'reserved-cycles-limit',
    type: 'string',
    value: 'cycles',
    description: 'reserved cycles limit',
  },
  {
    name: 'log-visibility',
    type: 'string',
    choices: ['controllers', 'public'],
    description: 'who may read the canister log',
  },
];

const updateSettingsCommand: CommandSpec = {
  name: 'update-settings',
  description:
    'Change controllers, freezing threshold, memory and compute allocation, log visibility',
  args: [canisterArg],
  flags: [...settingsFlags, ...replicaFlags],
  run: async (input) => {
    const [admin, { noSettings }, { Principal }, { CliError }] = await Promise.all([
      import('../canister-admin.js'),
      import('../management.js'),
      import('@dfinity/principal'),
      import('../cli-error.js'),
    ]);
    const settings = noSettings();
    const principals = (flag: string): import('@dfinity/principal').Principal[] =>
      input.list(flag).map((text) => {
        try {
          return Principal.fromText(text);
        } catch {
          throw new CliError('ERR_USAGE', `--${flag} '${text}' is not a principal`);
        }
      });
    const target = await targetOf(input);
    const m = await management(target);
    const set = principals('set-controller');
    const add = principals('add-controller');
    const remove = principals('remove-controller').map((p) => p.toText());
    if (set.length > 0 || add.length > 0 || remove.length > 0) {
      const current =
        set.length > 0
          ? set
          : (await admin.canisterStatus(m, target.id, target.label)).settings.controllers;
      const next = [...current, ...add].filter(
        (p, i, all) =>
          !remove.includes(p.toText()) && all.findIndex((q) => q.toText() === p.toText()) === i,
      );
      settings.controllers = [next];
    }
    const number = async (flag: string): Promise<[] | [bigint]> => {
      const text = input.string(flag);
      return text === undefined ? [] : [await cycles(text, `--${flag}`)];
    };
    settings.freezing_threshold = await number('freezing-threshold');
    settings.memory_allocation = await number('memory-allocation');
    settings.compute_allocation = await number('compute-allocation');
    settings.wasm_memory_limit = await number('wasm-memory-limit');
    settings.reserved_cycles_limit = await number('reserved-cycles-limit');
    const visibility = input.string('log-visibility');
    if (visibility !== undefined)
      settings.log_visibility = [
        visibility === 'public' ? { public: null } : { controllers: null },
      ];
    await admin.updateSettings(m, target.id, target.label, settings);
    process.stdout.write(`Updated the settings of ${target.label} (${target.id.toText()}).\n`);
  },
};

async function snapshotId(input: CommandInput): Promise<Uint8Array> {
  const [{ fromHex }, { CliError }] = await Promise.all([
    import('@tincan/bytes'),
    import('../cli-error.js'),
  ]);
  const text = input.required('snapshot');
  if (!/^([0-9a-fA-F]{2})+$/.test(text))
    throw new CliError(
      'ERR_USAGE',
      `snapshot id '${text}' is not hex; 'tincan canister snapshot list <canister>' prints the ids`,
    );
  return fromHex(text);
}

const snapshotCommand: CommandSpec = {
  name: 'snapshot',
  description: 'Take, list, load and delete canister snapshots',
  subcommands: [
    {
      name: 'create',
      description: 'Take a snapshot of a stopped canister; prints its id',
      args: [canisterArg],
      flags: [
        {
          name: 'replace',
          type: 'string',
          value: 'snapshot-id',
          description: 'replace this snapshot',
        },
        ...replicaFlags,
      ],
      run: async (input) => {
        const [{ snapshots }, { fromHex }] = await Promise.all([
          import('../canister-admin.js'),
          import('@tincan/bytes'),
        ]);
        const target = await targetOf(input);
        const replace = input.string('replace');
        const snapshot = await snapshots.create(
          await management(target),
          target.id,
          target.label,
          replace === undefined ? undefined : fromHex(replace),
        );
        process.stdout.write(
          `Created a new snapshot of canister ${target.label}. Snapshot ID: ${Buffer.from(snapshot.id).toString('hex')}\n`,
        );
      },
    },
    {
      name: 'list',
      description: 'List the snapshots of a canister',
      args: [canisterArg],
      flags: replicaFlags,
      run: async (input) => {
        const { snapshots, formatSnapshot } = await import('../canister-admin.js');
        const target = await targetOf(input);
        const list = await snapshots.list(await management(target), target.id, target.label);
        process.stdout.write(
          list.length === 0
            ? `No snapshots found for canister ${target.label}.\n`
            : list.map((s) => `${formatSnapshot(s)}\n`).join(''),
        );
      },
    },
    {
      name: 'load',
      description: 'Load a snapshot into a stopped canister (its code and state)',
      args: [canisterArg, { name: 'snapshot', description: 'snapshot id (hex)' }],
      flags: replicaFlags,
      run: async (input) => {
        const [{ snapshots }, { DeployedInterfaces }] = await Promise.all([
          import('../canister-admin.js'),
          import('../deployed-interfaces.js'),
        ]);
        const target = await targetOf(input);
        await snapshots.load(
          await management(target),
          target.id,
          target.label,
          await snapshotId(input),
        );
        if (target.name !== undefined)
          new DeployedInterfaces(process.cwd()).forget(target.network.url, target.name);
        process.stdout.write(
          `Loaded snapshot ${input.required('snapshot')} into canister ${target.label}.\n`,
        );
      },
    },
    {
      name: 'delete',
      description: 'Delete a snapshot',
      args: [canisterArg, { name: 'snapshot', description: 'snapshot id (hex)' }],
      flags: replicaFlags,
      run: async (input) => {
        const { snapshots } = await import('../canister-admin.js');
        const target = await targetOf(input);
        await snapshots.delete(
          await management(target),
          target.id,
          target.label,
          await snapshotId(input),
        );
        process.stdout.write(
          `Deleted snapshot ${input.required('snapshot')} from canister ${target.label}.\n`,
        );
      },
    },
  ],
};

/** The management verbs of `tincan canister`. */
export const manageCommands: readonly CommandSpec[] = [
  createCommand,
  installCommand,
  lifecycleCommand(
    'stop',
    'Stop a canister: it refuses new calls once its open calls have finished',
  ),
  lifecycleCommand('start', 'Start a stopped canister'),
  lifecycleCommand('delete', 'Delete a stopped canister, with its code and state'),
  lifecycleCommand(
    'uninstall-code',
    'Remove the code and state of a canister (it keeps its id and cycles)',
  ),
  depositCommand,
  updateSettingsCommand,
  snapshotCommand,
];

/** `tincan ledger fabricate-cycles`: mint cycles into a canister on a local replica. */
export const ledgerCommand: CommandSpec = {
  name: 'ledger',
  description: 'Cycles on the local replica',
  subcommands: [
    {
      name: 'fabricate-cycles',
      description: 'Mint cycles into a canister (local replica only), 10T by default',
      flags: [
        { name: 'canister', type: 'string', value: 'canister', description: 'canister name or id' },
        {
          name: 'cycles',
          type: 'string',
          value: 'cycles',
          description: 'amount of cycles',
          default: '10000000000000',
        },
        {
          name: 't',
          type: 'string',
          value: 'trillions',
          description: 'amount in trillions of cycles, instead of --cycles',
        },
        ...replicaFlags,
      ],
      run: async (input) => {
        const [{ topUp }, { CliError }] = await Promise.all([
          import('../canister-admin.js'),
          import('../cli-error.js'),
        ]);
        const name = input.string('canister');
        if (name === undefined)
          throw new CliError(
            'ERR_USAGE',
            `ledger fabricate-cycles needs --canister <name or id>; see 'tincan ledger fabricate-cycles --help'`,
          );
        const t = input.string('t');
        const amount =
          t !== undefined
            ? (await cycles(t, '--t')) * 1_000_000_000_000n
            : await cycles(input.string('cycles') ?? '0', '--cycles');
        const target = await targetOf(input, name);
        const balance = await topUp(await management(target), target.id, target.label, amount);
        process.stdout.write(`Fabricated ${amount} cycles, updated balance: ${balance} cycles\n`);
      },
    },
  ],
};
