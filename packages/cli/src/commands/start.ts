/** `tincan start`. */
import type { CommandSpec } from '../command-line.js';

/** Starts a replica and serves it until SIGINT or SIGTERM. */
export const startCommand: CommandSpec = {
  name: 'start',
  description: 'Start a local replica serving the IC HTTP interface; state persists in --state-dir',
  flags: [
    {
      name: 'port',
      type: 'int',
      value: 'port',
      description: 'port to listen on; 0 picks a free one',
      default: 4943,
    },
    {
      name: 'host',
      type: 'string',
      value: 'address',
      description: 'interface to listen on',
      default: '127.0.0.1',
    },
    {
      name: 'state-dir',
      type: 'string',
      value: 'dir',
      description: 'directory of the replica state (kept across restarts)',
      default: '.tincan',
    },
    {
      name: 'clean',
      type: 'boolean',
      description: 'start from empty state: deletes the canisters of <state-dir>',
    },
    {
      name: 'time-limit-ms',
      type: 'int',
      value: 'ms',
      description:
        'wall-clock backstop for updates, callbacks, timers and install, in ms (0 turns the backstop off)',
      default: 5000,
    },
    {
      name: 'trace-limit',
      type: 'int',
      value: 'n',
      description: 'executions whose traces the dashboard keeps',
      default: 10000,
    },
    {
      name: 'query-time-limit-ms',
      type: 'int',
      value: 'ms',
      description: 'wall-clock backstop for queries and inspect_message, in ms',
      default: 1000,
    },
    {
      name: 'subnets',
      type: 'int',
      value: 'n',
      description:
        'subnets the replica hosts (each its own canister range, key and state); calls between them travel in certified streams',
      default: 1,
    },
    {
      name: 'bridge',
      type: 'boolean',
      description:
        'run a bridge relayer between connector canisters (canisters/connector) on every subnet',
    },
  ],
  run: async (input) => {
    const port = input.int('port') ?? 4943;
    if (port < 0 || port > 65535) {
      const { CliError } = await import('../cli-error.js');
      throw new CliError('ERR_USAGE', `--port ${port} is not a port; use 0 to 65535`);
    }
    const timeLimitMs = input.int('time-limit-ms') ?? 5000;
    const queryTimeLimitMs = input.int('query-time-limit-ms') ?? 1000;
    for (const [flag, ms, min] of [
      ['--time-limit-ms', timeLimitMs, 0],
      ['--query-time-limit-ms', queryTimeLimitMs, 1],
    ] as const) {
      if (!Number.isInteger(ms) || ms < min) {
        const { CliError } = await import('../cli-error.js');
        throw new CliError(
          'ERR_USAGE',
          `${flag} ${ms} is not a time limit; pass a whole number of milliseconds${min === 0 ? ' (0 turns the backstop off)' : ' of at least 1'}`,
        );
      }
    }
    const traceLimit = input.int('trace-limit') ?? 10000;
    if (!Number.isInteger(traceLimit) || traceLimit < 1) {
      const { CliError } = await import('../cli-error.js');
      throw new CliError(
        'ERR_USAGE',
        `--trace-limit ${traceLimit} must be a whole number of at least 1`,
      );
    }
    const subnets = input.int('subnets') ?? 1;
    if (!Number.isInteger(subnets) || subnets < 1 || subnets > 16) {
      const { CliError } = await import('../cli-error.js');
      throw new CliError('ERR_USAGE', `--subnets ${subnets} is not a subnet count; pass 1 to 16`);
    }
    const { startReplica } = await import('../start.js');
    const log = (line: string): void => void process.stdout.write(`${line}\n`);
    const running = await startReplica({
      port,
      host: input.string('host') ?? '127.0.0.1',
      stateDir: input.string('state-dir') ?? '.tincan',
      clean: input.bool('clean'),
      timeLimitMs,
      queryTimeLimitMs,
      onLog: log,
      traceLimit,
      subnets,
      bridge: input.bool('bridge'),
    });
    // Timers and waiting calls cannot survive a restart: say what was dropped or answered.
    for (const line of running.recovery) log(line);
    log(`tincan replica running at ${running.url}`);
    log(`dashboard: ${running.url}/_/`);
    log(`state: ${running.replicaDir}`);
    for (const line of running.topology) log(line);
    log(
      `deploy with: tincan deploy${running.url === 'http://127.0.0.1:4943' ? '' : ` --host ${running.url}`}  (Ctrl-C stops the replica)`,
    );
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second signal while closing exits at once.
    process.once('SIGINT', () => process.exit(130));
    log(`${signal}: stopping the replica`);
    await running.close();
  },
};
