/** `tincan start`. */
import { Command, Flag } from 'effect/cli';
import { action } from './shared.js';

/** Starts a replica and serves it until SIGINT or SIGTERM. */
export const startCommand = Command.make(
  'start',
  {
    port: Flag.Int('port').pipe(Flag.withDescription('port to listen on; 0 picks a free one'), Flag.withDefault(4943)),
    host: Flag.String('host').pipe(Flag.withDescription('interface to listen on'), Flag.withDefault('127.0.0.1')),
    stateDir: Flag.String('state-dir').pipe(Flag.withDescription('directory of the replica state (kept across restarts)'), Flag.withDefault('.tincan')),
    clean: Flag.Boolean('clean').pipe(Flag.withDescription('start from empty state: deletes the canisters of <state-dir>'), Flag.withDefault(false)),
    timeLimitMs: Flag.Int('time-limit-ms').pipe(
      Flag.withDescription('wall-clock backstop for updates, callbacks, timers and install, in ms (0 turns the backstop off)'),
      Flag.withDefault(5000),
    ),
    queryTimeLimitMs: Flag.Int('query-time-limit-ms').pipe(Flag.withDescription('wall-clock backstop for queries and inspect_message, in ms'), Flag.withDefault(1000)),
  },
  action(async (options) => {
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      const { CliError } = await import('../cli-error.js');
      throw new CliError('ERR_USAGE', `--port ${options.port} is not a port; use 0 to 65535`);
    }
    for (const [flag, ms, min] of [['--time-limit-ms', options.timeLimitMs, 0], ['--query-time-limit-ms', options.queryTimeLimitMs, 1]] as const) {
      if (!Number.isInteger(ms) || ms < min) {
        const { CliError } = await import('../cli-error.js');
        throw new CliError('ERR_USAGE', `${flag} ${ms} is not a time limit; pass a whole number of milliseconds${min === 0 ? ' (0 turns the backstop off)' : ' of at least 1'}`);
      }
    }
    const { startReplica } = await import('../start.js');
    const running = await startReplica({ ...options, onLog: (line) => console.log(line) });
    // Timers and waiting calls cannot survive a restart: say what was dropped or answered.
    for (const line of running.recovery) console.log(line);
    console.log(`tincan replica running at ${running.url}`);
    console.log(`state: ${running.replicaDir}`);
    console.log(`deploy with: tincan deploy${running.url === 'http://127.0.0.1:4943' ? '' : ` --host ${running.url}`}  (Ctrl-C stops the replica)`);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    // A second signal while closing exits at once.
    process.once('SIGINT', () => process.exit(130));
    console.log(`${signal}: stopping the replica`);
    await running.close();
  }),
).pipe(Command.withDescription('Start a local replica serving the IC HTTP interface; state persists in --state-dir'));
