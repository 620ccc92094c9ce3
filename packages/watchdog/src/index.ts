/**
 * The process's wall-clock backstop for canister code: one watchdog thread, and a guarded call
 * whose overrun becomes an ordinary exception at the call's boundary.
 *
 * V8's `TerminateExecution` unwinds every JavaScript frame up to the embedder, host frames
 * included, and only C++ can stop it at a boundary. node:vm's `timeout` does that, but starts a
 * watchdog thread for every evaluation (100–200 µs). The native addon here keeps one thread per
 * isolate that polls a deadline, and arms and disarms it with two atomic stores and a
 * compare-and-swap per call; the disarm waits for a termination the thread already claimed and
 * cancels it, so a termination never reaches code after the guarded call.
 *
 * When the addon is not built (no compiler), the guard falls back to node:vm's `timeout`: the
 * same behaviour, at node:vm's cost.
 */
import { createRequire } from 'node:module';
import { types } from 'node:util';
import type vm from 'node:vm';

/** Runs scripts in vm contexts with a wall-clock limit. */
export interface ExecutionGuard {
  /**
   * Runs `script` in `context` and returns its value. Past `limitMs` the evaluation (microtask
   * drain included) is terminated and an {@link ExecutionTimeoutError} is thrown instead.
   */
  runInContext(script: vm.Script, context: vm.Context, limitMs: number): unknown;
  /** `native` (one watchdog thread) or `vm-timeout` (node:vm's thread per evaluation). */
  readonly kind: 'native' | 'vm-timeout';
}

/** What a guarded evaluation throws when it overran its limit. */
export class ExecutionTimeoutError extends Error {
  readonly code = 'ERR_EXECUTION_TIMED_OUT';
  constructor(readonly limitMs: number) {
    super(`execution timed out after ${limitMs} ms (wall-clock limit)`);
    this.name = 'ExecutionTimeoutError';
  }
}

interface NativeWatchdog {
  start(pollMs: number): void;
  run(
    limitMs: number,
    fn: (script: vm.Script, context: vm.Context) => unknown,
    script: vm.Script,
    context: vm.Context,
  ): unknown;
  firedCount(): number;
}

/** How often the watchdog thread looks at the deadline: the precision of the limit. */
const POLL_MS = 10;

const runIn = (script: vm.Script, context: vm.Context): unknown => script.runInContext(context);

function loadNative(): NativeWatchdog | undefined {
  if (process.env.TINCAN_WATCHDOG === 'vm') return undefined;
  try {
    return createRequire(import.meta.url)(
      '../build/Release/tincan_watchdog.node',
    ) as NativeWatchdog;
  } catch {
    return undefined;
  }
}

let guard: ExecutionGuard | undefined;

/** The process's guard (one per thread); the watchdog thread starts on first use. */
export function processGuard(): ExecutionGuard {
  guard ??= createGuard();
  return guard;
}

function createGuard(): ExecutionGuard {
  const native = loadNative();
  if (native !== undefined) {
    native.start(POLL_MS);
    return {
      kind: 'native',
      runInContext(script, context, limitMs) {
        try {
          return native.run(limitMs, runIn, script, context);
        } catch (err) {
          throw isTimeout(err, 'ERR_EXECUTION_TIMED_OUT')
            ? new ExecutionTimeoutError(limitMs)
            : err;
        }
      },
    };
  }
  return {
    kind: 'vm-timeout',
    runInContext(script, context, limitMs): unknown {
      try {
        return script.runInContext(context, { timeout: limitMs }) as unknown;
      } catch (err) {
        throw isTimeout(err, 'ERR_SCRIPT_EXECUTION_TIMEOUT')
          ? new ExecutionTimeoutError(limitMs)
          : err;
      }
    },
  };
}

/**
 * True for the error a timeout throws. node:vm creates its error in the context's realm, so
 * this reads only an own data property of a non-proxy: no canister getter or trap runs here.
 */
function isTimeout(err: unknown, code: string): boolean {
  if (typeof err !== 'object' || err === null || types.isProxy(err)) return false;
  return Object.getOwnPropertyDescriptor(err, 'code')?.value === code;
}
