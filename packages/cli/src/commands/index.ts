/** The `tincan` command tree. */
import { Command } from 'effect/cli';
import { canisterCommand } from './canister.js';
import { deployCommand, generateCommand } from './deploy.js';
import { identityCommand } from './identity.js';
import { startCommand } from './start.js';

/** `tincan` and its noun-verb subcommands. */
export const tincanCommand = Command.make('tincan').pipe(
  Command.withSubcommands([startCommand, deployCommand, canisterCommand, generateCommand, identityCommand]),
  Command.withDescription('A local replica for TypeScript canisters: start it, deploy, call'),
);
