/** The `tincan` command tree. */
import type { CommandSpec } from '../command-line.js';
import { canisterCommand } from './canister.js';
import { ledgerCommand } from './canister-manage.js';
import { deployCommand, generateCommand } from './deploy.js';
import { devCommand } from './dev.js';
import { identityCommand } from './identity.js';
import { startCommand } from './start.js';
import { traceCommand } from './trace.js';

/** `tincan` and its noun-verb subcommands. */
export const tincanCommand: CommandSpec = {
  name: 'tincan',
  description: 'A local replica for TypeScript canisters: start it, deploy, call',
  subcommands: [
    startCommand,
    deployCommand,
    devCommand,
    canisterCommand,
    generateCommand,
    identityCommand,
    ledgerCommand,
    traceCommand,
  ],
};
