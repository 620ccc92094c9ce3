#!/usr/bin/env node
/**
 * The `tincan` executable. Exit codes: 0 when the command did its work; 1 for a usage error
 * (printed with the command's help) or a failure (printed as one `Error: …` line).
 */
import * as Effect from 'effect/Effect';
import * as Exit from 'effect/Exit';
import { Command } from 'effect/cli';
import * as NodeServices from '@effect/platform-node/NodeServices';
import { tincanCommand } from '../commands/index.js';

const exit = await Effect.runPromiseExit(
  Command.run(tincanCommand, { version: '0.1.0' }).pipe(Effect.provide(NodeServices.layer)),
);
// Agents keep idle keep-alive sockets; a finished command exits now rather than when they close.
process.exit(Exit.isSuccess(exit) ? (process.exitCode ?? 0) : 1);
