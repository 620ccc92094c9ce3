/**
 * Installs canister code: creates the sandbox, evaluates the bundle, runs `@init`, and
 * persists the first heap snapshot together with the registry entry, all in one transaction.
 * Also reloads installed canisters when a replica restarts, without running `@init` again.
 */
import { createHash } from 'node:crypto';
import type { CanisterDescription } from '@tincan/abi';
import {
  applyTimerOps,
  createHostBridge,
  type BridgeDeps,
  type CanisterActor,
} from '../canisters/canister-actor.js';
import {
  openExecution,
  type Execution,
  type ExecutionMode,
  type TimerOp,
} from '../execution/execution.js';
import { Sandbox, type CompiledKernel, type WallClockLimits } from '../sandbox/sandbox.js';
import { hostCause, messageOf } from '../sandbox/describe-thrown.js';
import type { StateStore } from '../state/state-store.js';
import { packHeap, writeHeapDelta, type HeapDelta } from '../state/heap-delta.js';
import { RuntimeError } from '../runtime-error.js';
import type { CertifiedDataRegistry } from '../execution/certified-data.js';
import { principalText } from '../canisters/principal-text.js';
import { moduleOfBytes, moduleOfSource, type ModuleEntry } from './module-cache.js';
import { InstallProbe, KnownModules, deferrable, type KnownModule } from './known-modules.js';

/** What the installer needs from the runtime. */
export interface InstallerDeps {
  readonly store: StateStore;
  readonly kernel: CompiledKernel;
  /** The wall-clock backstop every sandbox runs under; undefined for none. */
  readonly wallClock: WallClockLimits | undefined;
  readonly now: () => bigint;
  readonly bridgeDeps: (actor: CanisterActor) => BridgeDeps;
  /** Turns a module as installed (its source) into the script a sandbox evaluates: instruments it. */
  readonly prepareModule: PrepareModule;
  readonly certifiedData: CertifiedDataRegistry;
}

/**
 * Makes a module's source loadable: the replica instruments it with the execution meter (see
 * @tincan/bundler's `prepareCanisterModule`). The module bytes a canister is installed with are
 * never run as they are: whoever uploaded them cannot have patched the meter.
 */
export type PrepareModule = (source: string) => string;

/** Prepared modules kept per process, by module hash: instrumenting a bundle takes 100 ms or more. */
const PREPARED_ENTRIES = 64;

/** A prepared script and the key of its V8 code cache entry. */
interface Prepared {
  readonly script: string;
  readonly cacheKey: string;
}

/**
 * Prepared scripts by preparation and module hash (hex), oldest first: shared by every replica
 * of the process that prepares modules the same way (a test suite opens many).
 */
const preparedCache = new WeakMap<PrepareModule, Map<string, Prepared>>();

/** How `install_code` treats the canister's current code and state, as on ICP. */
export type InstallMode = 'install' | 'reinstall' | 'upgrade';

/** Candid encoding of no arguments. */
const IDL_EMPTY = [0x44, 0x49, 0x44, 0x4c, 0, 0];

/** Init arguments, or a function that encodes them once the code's interface is known. */
export type InitArg = Uint8Array | ((description: CanisterDescription) => Uint8Array);

/** Loads code into canister actors. */
export class Installer {
  readonly #deps: InstallerDeps;
  /** Timer changes made by the init or postUpgrade of the install in progress. */
  #committedTimerOps: TimerOp[] = [];
  /** Certified data set by the preUpgrade, init or postUpgrade of the install in progress. */
  #certifiedData: Uint8Array | undefined;
  /** What the first install of each module showed (see known-modules.ts). */
  readonly #known = new KnownModules();

  constructor(deps: InstallerDeps) {
    this.#deps = deps;
  }

  /**
   * Installs code, atomically: either everything below happens or nothing does.
   * - `install` (empty canister) and `reinstall` (state cleared): evaluate, run `@init`.
   * - `upgrade`: run the old code's `@preUpgrade`, evaluate the new code (fresh heap fields),
   *   run `@postUpgrade`; stable maps carry over, `@init` does not run.
   * When anything traps, the old code keeps running with its state as it was.
   */
  install(
    actor: CanisterActor,
    bundle: string,
    arg: InitArg,
    mode: InstallMode,
  ): CanisterDescription {
    const { store } = this.#deps;
    this.#committedTimerOps = [];
    this.#certifiedData = undefined;
    const old = { sandbox: actor.sandbox, description: actor.description };
    const module = moduleOfSource(bundle);
    const known = mode === 'upgrade' ? undefined : this.#known.get(module.hex);
    if (known !== undefined && deferrable(known))
      return this.#installDeferred(actor, module, known, mode);
    // The first install of a module in this installer watches what its construction reads.
    const probe = mode !== 'upgrade' && known === undefined ? new InstallProbe() : undefined;
    store.begin();
    try {
      if (mode === 'upgrade') {
        const pre = old.description?.methods.find((m) => m.mode === 'preUpgrade');
        if (pre !== undefined) this.#runSystem(actor, 'init', pre.name, new Uint8Array(IDL_EMPTY));
        // Timers the old code sets on its way out would call closures that are about to go.
        this.#committedTimerOps = [];
      }
      if (mode === 'reinstall') store.clearStable(actor.record.id);
      const description = this.#load(actor, module, probe);
      const entry = description.methods.find(
        (m) => m.mode === (mode === 'upgrade' ? 'postUpgrade' : 'init'),
      );
      if (entry !== undefined)
        this.#runSystem(
          actor,
          'init',
          entry.name,
          typeof arg === 'function' ? arg(description) : arg,
        );
      const heap = this.#system(
        actor,
        'load',
        () => actor.sandbox?.op('persist') as HeapDelta | null,
      );
      // New code starts from a fresh instance: the old heap's rows all go.
      store.clearHeap(actor.record.id);
      if (heap !== null) writeHeapDelta(store, actor.record.id, heap);
      actor.heapBytes = heap?.bytes ?? 0;
      actor.record = {
        ...actor.record,
        module: module.bytes,
        moduleHash: module.hash,
        candid: description.candid,
        version: actor.record.version + 1n,
      };
      store.putCanister(actor.record);
      // ICP: install and reinstall start from what init set (or nothing); an upgrade keeps
      // the old value unless preUpgrade or postUpgrade set one.
      const certified = this.#certifiedData ?? (mode === 'upgrade' ? undefined : new Uint8Array(0));
      if (certified !== undefined) this.#deps.certifiedData.set(actor, certified);
      store.commit();
      // New code never inherits timers: their callbacks were closures of the old code (ICP
      // also deactivates the global timer on upgrade). Timers its init set do apply.
      actor.timers.clear();
      applyTimerOps(actor, this.#committedTimerOps);
      if (probe !== undefined) {
        this.#known.remember(module.hex, {
          description,
          heapBytes: actor.heapBytes,
          contextFree: !probe.touched,
        });
        // The watch is over: every later execution calls the plain bridge functions.
        probe.on = false;
        if (probe.unwrapped !== undefined) actor.sandbox?.replaceBridge(probe.unwrapped);
      }
      return description;
    } catch (err) {
      if (store.inTransaction) store.rollback();
      actor.sandbox = old.sandbox;
      actor.setDescription(old.description);
      // `@preUpgrade` may have changed the old heap; put it back as last committed.
      old.sandbox?.op('rollback');
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError(
        'ERR_INSTALL_TRAPPED',
        `${mode} of canister ${principalText(actor.record.id)} failed: ${messageOf(err)}`,
        hostCause(err),
      );
    } finally {
      if (probe !== undefined) probe.on = false;
    }
  }

  /**
   * Installs or reinstalls a known module whose construction is context-free and that has no
   * `@init`: records the code and clears the heap in one commit, and leaves the realm to the
   * canister's first message, which constructs the same fresh instance (see known-modules.ts).
   */
  #installDeferred(
    actor: CanisterActor,
    module: ModuleEntry,
    known: KnownModule,
    mode: InstallMode,
  ): CanisterDescription {
    const { store } = this.#deps;
    const old = {
      sandbox: actor.sandbox,
      description: actor.description,
      heapBytes: actor.heapBytes,
    };
    store.begin();
    try {
      if (mode === 'reinstall') store.clearStable(actor.record.id);
      store.clearHeap(actor.record.id);
      actor.sandbox = undefined;
      actor.setDescription(known.description);
      actor.heapBytes = known.heapBytes;
      actor.record = {
        ...actor.record,
        module: module.bytes,
        moduleHash: module.hash,
        candid: known.description.candid,
        version: actor.record.version + 1n,
      };
      store.putCanister(actor.record);
      this.#deps.certifiedData.set(actor, new Uint8Array(0));
      store.commit();
      actor.timers.clear();
      return known.description;
    } catch (err) {
      if (store.inTransaction) store.rollback();
      actor.sandbox = old.sandbox;
      actor.setDescription(old.description);
      actor.heapBytes = old.heapBytes;
      throw new RuntimeError(
        'ERR_INSTALL_TRAPPED',
        `${mode} of canister ${principalText(actor.record.id)} failed: ${messageOf(err)}`,
        hostCause(err),
      );
    }
  }

  /**
   * Loads `bundle` into a throwaway sandbox and returns its description; nothing is kept and
   * the store transaction it ran in is rolled back.
   */
  inspect(actor: CanisterActor, bundle: string): CanisterDescription {
    const { store } = this.#deps;
    store.begin();
    try {
      return this.#load(actor, moduleOfSource(bundle));
    } catch (err) {
      if (err instanceof RuntimeError) throw err;
      throw new RuntimeError('ERR_CANISTER_LOAD', messageOf(err), hostCause(err));
    } finally {
      if (store.inTransaction) store.rollback();
    }
  }

  /** Reloads an installed canister and restores its committed heap. */
  restore(actor: CanisterActor): void {
    const module = moduleOfBytes(actor.record.module);
    const { store } = this.#deps;
    const meta = store.readHeap(actor.record.id);
    try {
      this.#load(actor, module);
      // No committed heap (an install left the construction to this load): the kernel takes
      // the fresh instance as the heap, written with the next commit.
      const packed =
        meta === undefined ? undefined : packHeap(meta, store.readHeapRows(actor.record.id));
      actor.heapBytes = this.#system(
        actor,
        'load',
        () => actor.sandbox?.op('restore', packed) as number,
      );
    } catch (err) {
      actor.sandbox = undefined;
      actor.setDescription(undefined);
      throw new RuntimeError(
        'ERR_STATE_CORRUPT',
        `canister ${principalText(actor.record.id)} could not be restored: ${messageOf(err)}`,
        hostCause(err),
      );
    }
  }

  #load(actor: CanisterActor, module: ModuleEntry, probe?: InstallProbe): CanisterDescription {
    const bridge = createHostBridge(actor, this.#deps.bridgeDeps(actor));
    const sandbox = new Sandbox({
      kernel: this.#deps.kernel,
      bridge: probe === undefined ? bridge : probe.wrap(bridge),
      wallClock: this.#deps.wallClock,
    });
    actor.sandbox = sandbox;
    const filename = `canister:${principalText(actor.record.id)}/index.js`;
    const { script, cacheKey } = this.#prepare(module.source, module.hex);
    const description = this.#system(actor, 'load', () => sandbox.load(script, filename, cacheKey));
    actor.setDescription(description);
    return description;
  }

  /** The script of a module: prepared once per module hash while it stays in the cache. */
  #prepare(source: string, moduleHash: string): Prepared {
    const prepare = this.#deps.prepareModule;
    let prepared = preparedCache.get(prepare);
    if (prepared === undefined) {
      prepared = new Map();
      preparedCache.set(prepare, prepared);
    }
    let entry = prepared.get(moduleHash);
    if (entry === undefined) {
      let script: string;
      try {
        script = prepare(source);
      } catch (err) {
        throw new RuntimeError(
          'ERR_CANISTER_LOAD',
          `canister module failed to load: ${messageOf(err)}`,
          hostCause(err),
        );
      }
      // V8's code cache is keyed by the script itself: a preparation that changed (another
      // replica's, say) must not hit this one's entry, and V8 checks an entry only against
      // the source's length.
      entry = { script, cacheKey: createHash('sha256').update(script).digest('hex') };
    } else prepared.delete(moduleHash);
    prepared.set(moduleHash, entry);
    if (prepared.size > PREPARED_ENTRIES) prepared.delete(prepared.keys().next().value as string);
    return entry;
  }

  /** Runs an entry point like init; throws with the trap message if it traps. */
  #runSystem(actor: CanisterActor, mode: ExecutionMode, method: string, arg: Uint8Array): void {
    this.#system(actor, mode, () => actor.sandbox?.op('invoke', method), { method, argData: arg });
  }

  /** Runs `fn` inside an execution of `mode`; a trap becomes an exception. */
  #system<T>(
    actor: CanisterActor,
    mode: ExecutionMode,
    fn: () => T,
    extra: Partial<Execution> = {},
  ): T {
    const exec = openExecution({
      mode,
      context: undefined,
      method: extra.method ?? '',
      argData: extra.argData ?? new Uint8Array(),
      caller: actor.record.controllers[0] ?? new Uint8Array([4]),
      origin: actor.record.controllers[0] ?? new Uint8Array([4]),
      timeNs: this.#deps.now(),
    });
    actor.current = exec;
    try {
      let result: T | undefined;
      try {
        result = fn();
      } catch (err) {
        // A recorded trap (the instruction limit, say) says more than the error that unwound.
        if (exec.trap === undefined) throw err;
      }
      this.#committedTimerOps.push(...exec.timerOps);
      if (exec.certifiedData !== undefined) this.#certifiedData = exec.certifiedData;
      if (exec.trap !== undefined)
        throw new RuntimeError(
          'ERR_INSTALL_TRAPPED',
          `canister ${principalText(actor.record.id)} trapped in ${mode === 'load' ? 'module evaluation' : (extra.method ?? 'init')}: ${exec.trap.message}`,
        );
      return result as T;
    } finally {
      actor.current = undefined;
    }
  }
}
