/**
 * The replica controls of the dashboard, the ones the test harness has: `GET replica` (time,
 * clock, state directory, checkpoints and forks made so far) and, by POST with a JSON body,
 * `replica/advance-time` (`{"seconds": n}`: timers due by then fire), `replica/tick` (one round:
 * heartbeats, then what can run), `replica/checkpoint` and `replica/fork` (`{"name": "…"}`).
 *
 * A checkpoint is one SQLite file with the replica's committed state (every canister's code,
 * heap and stable maps), which `Replica.create({ fromCheckpoint })` and `createTestReplica`
 * start from in milliseconds. A fork is a new state directory made from one, which another
 * `tincan start --state-dir <fork>` opens as an independent replica: same canisters and state,
 * its own future. Both go under the replica's state directory, by a plain name, so a request
 * can never name a path.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Replica } from '@tincan/replica';
import type { ApiAnswer } from './api-answer.js';

/** Largest time step, in seconds: ten years. */
const MAX_ADVANCE_SECONDS = 10 * 365 * 86_400;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Where checkpoints and forks go: the state directory `tincan start` runs on. */
export interface ControlsOptions {
  readonly stateDir: string | undefined;
}

function checkpointsDir(stateDir: string): string {
  return path.join(stateDir, 'checkpoints');
}

function forksDir(stateDir: string): string {
  return path.join(stateDir, 'forks');
}

function listNames(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .map((n) => n.slice(0, n.length - suffix.length))
    .sort();
}

/** `GET replica`: the replica's time and clock, and what controls made. */
export function replicaInfo(replica: Replica, options: ControlsOptions): ApiAnswer {
  const clock = replica.clockInfo();
  const dir = options.stateDir;
  return {
    status: 200,
    body: {
      timeNs: replica.timeNs().toString(),
      clock: clock.kind,
      offsetNs: clock.offsetNs.toString(),
      stateDir: dir ?? null,
      checkpoints: dir === undefined ? [] : listNames(checkpointsDir(dir), '.sqlite'),
      forks: dir === undefined ? [] : listNames(forksDir(dir), ''),
    },
  };
}

function nameOf(body: Record<string, unknown>): string | ApiAnswer {
  const name = body['name'];
  if (typeof name !== 'string' || !NAME.test(name))
    return {
      status: 400,
      body: {
        error:
          'name must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      },
    };
  return name;
}

/** Runs a POSTed control; `body` is the parsed JSON object. */
export async function runControl(
  replica: Replica,
  action: string,
  body: Record<string, unknown>,
  options: ControlsOptions,
): Promise<ApiAnswer> {
  if (action === 'advance-time') {
    const seconds = body['seconds'];
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds <= 0 ||
      seconds > MAX_ADVANCE_SECONDS
    ) {
      return {
        status: 400,
        body: {
          error: `seconds must be a number above 0 and at most ${MAX_ADVANCE_SECONDS} (ten years)`,
        },
      };
    }
    if (replica.clockInfo().kind === 'custom')
      return {
        status: 409,
        body: { error: 'this replica runs on a clock the dashboard cannot move' },
      };
    const before = replica.timeNs();
    await replica.advanceTime(seconds * 1000);
    return {
      status: 200,
      body: { beforeNs: before.toString(), timeNs: replica.timeNs().toString() },
    };
  }
  if (action === 'tick') {
    const executions = replica.tick();
    await replica.runUntilIdle();
    return { status: 200, body: { executions } };
  }
  if (action === 'checkpoint' || action === 'fork') {
    const dir = options.stateDir;
    if (dir === undefined)
      return {
        status: 409,
        body: { error: 'this replica has no state directory to write checkpoints and forks to' },
      };
    const name = nameOf(body);
    if (typeof name !== 'string') return name;
    const target =
      action === 'checkpoint'
        ? path.join(checkpointsDir(dir), `${name}.sqlite`)
        : path.join(forksDir(dir), name);
    if (existsSync(target))
      return {
        status: 409,
        body: { error: `a ${action} named ${name} exists already: pick another name` },
      };
    if (action === 'checkpoint') {
      mkdirSync(checkpointsDir(dir), { recursive: true });
      await replica.checkpoint(target);
      return {
        status: 200,
        body: {
          name,
          path: target,
          use: `Replica.create({ fromCheckpoint: ${JSON.stringify(target)} })`,
        },
      };
    }
    // The fork is a state directory as `tincan start` lays it out: its store in `replica/`.
    mkdirSync(path.join(target, 'replica'), { recursive: true });
    await replica.checkpoint(path.join(target, 'replica', 'replica.sqlite'));
    return {
      status: 200,
      body: {
        name,
        path: target,
        use: `tincan start --state-dir ${JSON.stringify(target)} --port 0`,
      },
    };
  }
  return { status: 404, body: { error: `no such control: ${action}` } };
}
