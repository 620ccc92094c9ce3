/** `tincan dev`. */
import type { CommandSpec } from '../command-line.js';
import { deployOptions } from './deploy.js';
import { replicaFlags } from './shared.js';

/** Deploys, then upgrades each canister when its sources change. */
export const devCommand: CommandSpec = {
  name: 'dev',
  description: "Deploy, then watch the canisters' sources and upgrade a canister on every save",
  args: [
    {
      name: 'name',
      description: 'canister of dfx.json to watch, after its dependencies (all by default)',
      optional: true,
    },
  ],
  flags: [
    {
      name: 'argument',
      type: 'string',
      value: 'candid',
      description: 'init arguments of the named canister',
    },
    ...replicaFlags,
  ],
  run: async (input) => {
    const { startDev } = await import('../dev.js');
    const options = await deployOptions(input, input.arg('name'));
    const session = await startDev(options, (line) => void process.stdout.write(`${line}\n`));
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await session.close();
  },
};
