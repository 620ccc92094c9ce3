/**
 * A canister's sandbox: its own JS realm (node:vm context) with no `process`, `require`, file
 * system, network or timers. The kernel script runs first and installs the system API; then
 * the canister bundle registers its class through it.
 *
 * The realm has its own microtask queue (`microtaskMode: 'afterEvaluate'`), drained at the end
 * of every script evaluation. That is what makes an execution end deterministically: when an op
 * script returns, every continuation it woke has run until it finished or awaits a response.
 */
import vm from 'node:vm';
import type { CanisterDescription } from '@tincan/abi';
import { HOST_BRIDGE_GLOBAL, type HostBridge, type KernelOps } from '../kernel/host-bridge.js';
import { RuntimeError } from '../runtime-error.js';
import { hostCause, messageOf } from './describe-thrown.js';
import { RejectionSink, processWithDomain } from './rejection-sink.js';

export { messageOf } from './describe-thrown.js';

/** The compiled kernel, shared by every sandbox of a process. */
export interface CompiledKernel {
  readonly script: vm.Script;
  /** Binds the kernel's ops, handed over under {@link HANDOFF_GLOBAL}, to the secret name. */
  readonly bind: vm.Script;
  /** `<secret>.<op>()` per op, compiled once. */
  readonly ops: Map<keyof KernelOps, vm.Script>;
  readonly binding: string;
}

/** Global under which the host passes the kernel's ops to the bind script, which deletes it. */
const HANDOFF_GLOBAL = '__tincan_handoff';

/**
 * Compiles the kernel bundle source once; pass the result to every sandbox. `secret` (letters
 * and digits, random per process: the replica draws it) names the script-scope binding through
 * which op scripts reach the kernel's ops. A lexical binding of the realm's global scope is
 * read at local speed (a global property read passes the vm context's interceptors, about
 * 180 ns), but any script of the realm can name it, canister code included: so only the host
 * may know its name.
 */
export function compileKernel(source: string, secret: string): CompiledKernel {
  if (!/^[A-Za-z0-9]{16,}$/.test(secret))
    throw new RuntimeError(
      'ERR_INVALID_ARGUMENT',
      'compileKernel: the secret must be at least 16 letters or digits',
    );
  const binding = `__tincan_ops_${secret}`;
  return {
    script: new vm.Script(`'use strict';${source}`, { filename: 'tincan:kernel.js' }),
    bind: new vm.Script(
      `const ${binding} = globalThis.${HANDOFF_GLOBAL}; delete globalThis.${HANDOFF_GLOBAL};`,
      { filename: 'tincan:bind-kernel.js' },
    ),
    ops: new Map(),
    binding,
  };
}

function opScript(kernel: CompiledKernel, op: keyof KernelOps): vm.Script {
  let script = kernel.ops.get(op);
  if (script === undefined) {
    script = new vm.Script(`${kernel.binding}.${op}()`, { filename: `tincan:op-${op}.js` });
    kernel.ops.set(op, script);
  }
  return script;
}

/** V8 code caches of canister bundles, by module hash; bounded, oldest dropped first. */
const codeCache = new Map<string, Buffer>();
const CODE_CACHE_ENTRIES = 256;

function rememberCode(key: string, data: Buffer): void {
  codeCache.delete(key);
  codeCache.set(key, data);
  if (codeCache.size > CODE_CACHE_ENTRIES)
    codeCache.delete(codeCache.keys().next().value as string);
}

/**
 * Runs a script in a vm context under a wall-clock limit (the host's backstop: `@tincan/watchdog`
 * implements it). Past the limit the evaluation, microtask drain included, is stopped and the
 * call throws; nothing of the termination reaches the caller's frames.
 */
export interface ExecutionGuard {
  runInContext(script: vm.Script, context: vm.Context, limitMs: number): unknown;
}

/**
 * The wall-clock backstop of a runtime: a guard and its limits. It is outside the deterministic
 * semantics: it only stops code the meter let run far longer than any real execution.
 */
export interface WallClockLimits {
  readonly guard: ExecutionGuard;
  /** Updates, callbacks, timers, cleanup, install and upgrade hooks, module evaluation. */
  readonly updateMs: number;
  /** Queries and inspect_message. */
  readonly queryMs: number;
}

/** Options of one sandbox. */
export interface SandboxOptions {
  readonly kernel: CompiledKernel;
  readonly bridge: Omit<HostBridge, 'opArg' | 'kernelReady'>;
  /** The wall-clock backstop; every op runs under it. Undefined runs ops unguarded. */
  readonly wallClock?: WallClockLimits | undefined;
}

/** One canister's realm, driven through kernel operations. */
export class Sandbox {
  readonly #context: vm.Context;
  readonly #kernelScripts: CompiledKernel;
  readonly #wallClock: WallClockLimits | undefined;
  readonly #rejections: RejectionSink;
  #opArg: string | number | Uint8Array | undefined;
  #kernel: KernelOps | undefined;
  /** The bridge object the kernel captured: it reads each host function from it per call. */
  readonly #bridge: HostBridge;

  constructor(options: SandboxOptions) {
    this.#wallClock = options.wallClock;
    this.#kernelScripts = options.kernel;
    const log = options.bridge.debugPrint;
    this.#rejections = new RejectionSink((text) => log(text));
    const bridge: HostBridge = (this.#bridge = {
      ...options.bridge,
      opArg: () => this.#opArg,
      kernelReady: (ops) => {
        if (this.#kernel !== undefined)
          throw new Error('the kernel is already running in this sandbox');
        this.#kernel = ops;
      },
    });
    this.#context = vm.createContext(
      { [HOST_BRIDGE_GLOBAL]: bridge },
      {
        name: 'canister',
        microtaskMode: 'afterEvaluate',
        codeGeneration: { strings: false, wasm: false },
      },
    );
    this.#run(options.kernel.script);
    if (this.#kernel === undefined)
      throw new RuntimeError('ERR_CANISTER_LOAD', 'the sandbox kernel did not start');
    (this.#context as Record<string, unknown>)[HANDOFF_GLOBAL] = this.#kernel;
    this.#run(options.kernel.bind);
  }

  /**
   * Replaces the host functions the kernel calls (a first install watches its bridge calls
   * through wrappers, and hands the plain functions back once the install is over, so no later
   * execution pays for the watch).
   */
  replaceBridge(bridge: SandboxOptions['bridge']): void {
    Object.assign(this.#bridge, bridge);
  }

  /**
   * Evaluates the canister bundle; it must register a canister. Returns its description.
   * `cacheKey` (the module hash) lets every sandbox of the same module reuse V8's compiled
   * code: compiling a bundle costs ~3 ms, reusing the cache ~0.3 ms.
   */
  load(bundle: string, filename: string, cacheKey?: string): CanisterDescription {
    try {
      const cachedData = cacheKey === undefined ? undefined : codeCache.get(cacheKey);
      const script = new vm.Script(bundle, {
        filename,
        ...(cachedData !== undefined && { cachedData }),
      });
      this.#run(script);
      if (
        cacheKey !== undefined &&
        (cachedData === undefined || script.cachedDataRejected === true)
      )
        rememberCode(cacheKey, script.createCachedData());
    } catch (err) {
      throw new RuntimeError(
        'ERR_CANISTER_LOAD',
        `canister module failed to load: ${messageOf(err)}`,
        hostCause(err),
      );
    }
    return JSON.parse(this.op('describe') as string) as CanisterDescription;
  }

  /**
   * Runs one kernel operation with its argument; returns its result. Every op runs under the
   * wall-clock backstop (`limitMs`, the update limit by default): heap walks, rollbacks and
   * restores can reach canister getters and proxies too.
   */
  op(op: keyof KernelOps, arg?: string | number | Uint8Array, limitMs?: number): unknown {
    this.#opArg = arg;
    try {
      return this.#run(opScript(this.#kernelScripts, op), limitMs);
    } finally {
      this.#opArg = undefined;
    }
  }

  /**
   * Units the last execution spent. A direct call into the kernel rather than an op script:
   * it runs no canister code, and charging every execution for its units must stay cheap.
   */
  spent(): number {
    return this.#kernel?.spent() ?? 0;
  }

  /** The wall-clock limit of the ops of an execution: the short one when it never commits (queries, inspection). */
  limitFor(neverCommits: boolean): number | undefined {
    const wallClock = this.#wallClock;
    if (wallClock === undefined) return undefined;
    return neverCommits ? wallClock.queryMs : wallClock.updateMs;
  }

  #run(script: vm.Script, limitMs?: number): unknown {
    // Promises of the realm rejected during this evaluation with no handler are the canister's:
    // they go to its log, never to the process (see rejection-sink.ts).
    // No closure per op: this runs several times per execution.
    const previous = processWithDomain.domain;
    processWithDomain.domain = this.#rejections;
    try {
      const wallClock = this.#wallClock;
      if (wallClock === undefined) return script.runInContext(this.#context);
      return wallClock.guard.runInContext(script, this.#context, limitMs ?? wallClock.updateMs);
    } finally {
      processWithDomain.domain = previous;
    }
  }
}
