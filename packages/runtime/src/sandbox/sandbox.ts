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
import { HOST_BRIDGE_GLOBAL, KERNEL_SYMBOL, type HostBridge, type KernelOps } from '../kernel/host-bridge.js';
import { RuntimeError } from '../runtime-error.js';

/** The compiled kernel, shared by every sandbox of a process. */
export interface CompiledKernel {
  readonly script: vm.Script;
}

/** Compiles the kernel bundle source once; pass the result to every sandbox. */
export function compileKernel(source: string): CompiledKernel {
  return { script: new vm.Script(source, { filename: 'tincan:kernel.js' }) };
}

/**
 * The kernel's ops, as a script-scope constant of the realm: op scripts find it through the
 * realm's lexical scope, where a global property read would pass the vm context's interceptors
 * (about 180 ns each). It is what `Symbol.for(KERNEL_SYMBOL)` already exposes, nothing more.
 */
const KERNEL_BINDING = '__tincan_kernel_ops';
const bindKernel = new vm.Script(`const ${KERNEL_BINDING} = globalThis[Symbol.for(${JSON.stringify(KERNEL_SYMBOL)})];`, { filename: 'tincan:bind-kernel.js' });

const opScripts = new Map<keyof KernelOps, vm.Script>();
function opScript(op: keyof KernelOps): vm.Script {
  let script = opScripts.get(op);
  if (script === undefined) {
    script = new vm.Script(`${KERNEL_BINDING}.${op}()`, { filename: `tincan:op-${op}.js` });
    opScripts.set(op, script);
  }
  return script;
}

/** V8 code caches of canister bundles, by module hash; bounded, oldest dropped first. */
const codeCache = new Map<string, Buffer>();
const CODE_CACHE_ENTRIES = 256;

function rememberCode(key: string, data: Buffer): void {
  codeCache.delete(key);
  codeCache.set(key, data);
  if (codeCache.size > CODE_CACHE_ENTRIES) codeCache.delete(codeCache.keys().next().value as string);
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
  readonly bridge: Omit<HostBridge, 'opArg'>;
  /** The wall-clock backstop; every op runs under it. Undefined runs ops unguarded. */
  readonly wallClock?: WallClockLimits | undefined;
}

/** One canister's realm, driven through kernel operations. */
export class Sandbox {
  readonly #context: vm.Context;
  readonly #wallClock: WallClockLimits | undefined;
  #opArg: string | number | Uint8Array | undefined;
  #kernel: KernelOps | undefined;

  constructor(options: SandboxOptions) {
    this.#wallClock = options.wallClock;
    const bridge: HostBridge = { ...options.bridge, opArg: () => this.#opArg };
    this.#context = vm.createContext(
      { [HOST_BRIDGE_GLOBAL]: bridge },
      { name: 'canister', microtaskMode: 'afterEvaluate', codeGeneration: { strings: false, wasm: false } },
    );
    this.#run(options.kernel.script);
    this.#run(bindKernel);
  }

  /**
   * Evaluates the canister bundle; it must register a canister. Returns its description.
   * `cacheKey` (the module hash) lets every sandbox of the same module reuse V8's compiled
   * code: compiling a bundle costs ~3 ms, reusing the cache ~0.3 ms.
   */
  load(bundle: string, filename: string, cacheKey?: string): CanisterDescription {
    try {
      const cachedData = cacheKey === undefined ? undefined : codeCache.get(cacheKey);
      const script = new vm.Script(bundle, { filename, ...(cachedData !== undefined && { cachedData }) });
      this.#run(script);
      if (cacheKey !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) rememberCode(cacheKey, script.createCachedData());
    } catch (err) {
      throw new RuntimeError('ERR_CANISTER_LOAD', `canister module failed to load: ${messageOf(err)}`, { cause: err });
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
      return this.#run(opScript(op), limitMs);
    } finally {
      this.#opArg = undefined;
    }
  }

  /**
   * Units the last execution spent. A direct call into the kernel rather than an op script:
   * it runs no canister code, and charging every execution for its units must stay cheap.
   */
  spent(): number {
    this.#kernel ??= (this.#context as Record<symbol, KernelOps>)[Symbol.for(KERNEL_SYMBOL)];
    return this.#kernel?.spent() ?? 0;
  }

  /** The wall-clock limit of the ops of an execution: the short one when it never commits (queries, inspection). */
  limitFor(neverCommits: boolean): number | undefined {
    const wallClock = this.#wallClock;
    if (wallClock === undefined) return undefined;
    return neverCommits ? wallClock.queryMs : wallClock.updateMs;
  }

  #run(script: vm.Script, limitMs?: number): unknown {
    const wallClock = this.#wallClock;
    if (wallClock === undefined) return script.runInContext(this.#context);
    return wallClock.guard.runInContext(script, this.#context, limitMs ?? wallClock.updateMs);
  }
}

/** Message of anything thrown, including errors from the sandbox realm. */
export function messageOf(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
