/**
 * The runtime's wiring: builds the batch, call router, executor, dispatcher and installer from
 * a host's options and connects them to each other. The result is one object that every
 * delegate module (admin, ingress, inspection, heartbeats, the management canister route)
 * takes as its deps: built once, so no message allocates a deps object or closure to reach
 * them. The runtime's loop (`RuntimeLoop`) keeps the state it changes (pending list, policy,
 * clock high-water mark) and passes it in through `RuntimeHooks`.
 */
import type { AdminDeps } from './lifecycle/canister-admin.js';
import type { CanisterActor } from './canisters/canister-actor.js';
import { Batch } from './state/batch.js';
import { CallRouter } from './calls/call-router.js';
import { Balances, ICP_13_NODE_FEES, type CycleFees } from './cycles/cycles.js';
import { CertifiedDataRegistry } from './execution/certified-data.js';
import { Deadlines } from './calls/deadlines.js';
import { Dispatcher } from './scheduling/dispatch.js';
import { Executor } from './execution/executor.js';
import type { HeartbeatDeps } from './scheduling/heartbeat.js';
import type { IngressDeps } from './ingress/ingress.js';
import type { InspectDeps } from './ingress/inspect-message.js';
import { IngressLedger } from './ingress/ingress-ledger.js';
import { Installer } from './lifecycle/installer.js';
import { DEFAULT_HEAP_LIMIT_BYTES } from './execution/instruction-limits.js';
import { OpenCalls } from './state/open-calls.js';
import { DEFAULT_INSTRUCTION_LIMITS } from './execution/instruction-limits.js';
import { DEFAULT_CALL_LIMITS, PairQueues } from './calls/limits.js';
import type { NewMessage } from './calls/messages.js';
import type { RuntimeOptions } from './runtime-options.js';
import { seedWords } from './canisters/seed.js';
import { Shedder } from './calls/shedding.js';
import type { SystemRouteDeps } from './calls/system-canister.js';
import { ensureError } from '@tincan/errors';
import { ModuleTraits } from './lifecycle/module-traits.js';
import { TimerQueue } from './scheduling/timer-table.js';
import { Hibernation } from './canisters/hibernation.js';
import { TransactionRunner } from './transactions/transaction-runner.js';

/** What the parts call back into the runtime for. */
export interface RuntimeHooks {
  /** Appends a message to the pending list. */
  readonly enqueue: (message: NewMessage) => void;
  /** Replica time for the next execution (never behind an earlier one). */
  readonly now: () => bigint;
  /** Appends a line to a canister's log. */
  readonly log: (actor: CanisterActor, message: string) => void;
  /** Whether a batch is running (a management call then commits the batch so far). */
  readonly inBatch: () => boolean;
}

/** The runtime's connected parts. */
export type RuntimeParts = AdminDeps &
  IngressDeps &
  InspectDeps &
  HeartbeatDeps &
  SystemRouteDeps & {
    readonly queues: PairQueues;
    readonly balances: Balances;
    readonly fees: CycleFees;
    readonly openCalls: OpenCalls;
    readonly certifiedData: CertifiedDataRegistry;
    readonly hibernation: Hibernation;
  };

/** Builds and connects the runtime's parts around `actors`. */
export function wireRuntime(
  options: RuntimeOptions,
  actors: Map<string, CanisterActor>,
  hooks: RuntimeHooks,
): RuntimeParts {
  const store = options.store;
  const limits = { ...DEFAULT_CALL_LIMITS, ...options.callLimits };
  const fees = options.fees ?? ICP_13_NODE_FEES;
  const queues = new PairQueues();
  const deadlines = new Deadlines();
  const balances = new Balances();
  const ingressLedger = new IngressLedger(hooks.now);
  const openCalls = new OpenCalls(actors);
  const touched = (actor: CanisterActor): void => openCalls.touch(actor);
  // Changed balances, ingress answers and open calls go into the batch's transaction just
  // before it commits: the same COMMIT as the executions that made them.
  const hibernation = new Hibernation({
    maxLoaded: options.maxLoadedCanisters,
    hasHeartbeat: (actor) =>
      actor.description?.methods.some((m) => m.mode === 'heartbeat') ?? false,
  });
  const batch = new Batch(
    store,
    {
      pending: () => balances.pending || ingressLedger.pending || openCalls.pending,
      flush: () => {
        balances.flush(store);
        ingressLedger.flush(store);
        openCalls.flush(store);
      },
    },
    () => hibernation.settle(),
  );
  const certifiedData = new CertifiedDataRegistry(store);
  const router = new CallRouter({
    enqueue: hooks.enqueue,
    hold: (deliver) => batch.hold(deliver),
    queues,
    limits,
    shedder: new Shedder(options.loadShedding),
    deadlines,
    ingressAnswered: (target, outcome) => {
      if (target.id !== undefined) ingressLedger.answered(target.id, outcome);
    },
    touched: (key) => openCalls.touchKey(key),
  });
  const executor = new Executor({
    touched,
    store,
    batch,
    router,
    balances,
    fees,
    onTrap: (actor, message) => hooks.log(actor, `[trap] ${message}`),
    onExecution: options.onExecution,
    traceSink: options.traceSink,
    certifiedData,
  });
  const instructionLimits = { ...DEFAULT_INSTRUCTION_LIMITS, ...options.instructionLimits };
  // Filled in once the loader exists: a sub-message may load its target canister.
  let loadCanister: (actor: CanisterActor) => string | undefined = () => 'not ready';
  const transactions = new TransactionRunner({
    actors,
    executor,
    batch,
    store,
    balances,
    certifiedData,
    touched,
    ensureLoaded: (actor) => loadCanister(actor),
    updateInstructions: instructionLimits.update,
    queryInstructions: instructionLimits.query,
  });
  executor.transactions = transactions;
  const installer = new Installer({
    store,
    kernel: options.kernel,
    prepareModule: options.prepareModule,
    wallClock: options.wallClock,
    now: hooks.now,
    bridgeDeps: (actor) => ({
      store,
      randomSeed: () => seedWords(options.seed, actor.record.id),
      limits: { ...DEFAULT_INSTRUCTION_LIMITS, ...options.instructionLimits },
      onLog: hooks.log,
      callLimits: limits,
      fees,
      heapLimitBytes: options.heapLimitBytes ?? DEFAULT_HEAP_LIMIT_BYTES,
      certifiedData,
      queueRoom: (callee) => limits.queueCapacity - queues.count(actor.key, callee),
      transactions,
    }),
    certifiedData,
  });
  const traits = new ModuleTraits(store);
  /** Loads an installed canister's code and committed heap if not loaded yet; returns a load error. */
  const ensureLoaded = (actor: CanisterActor): string | undefined => {
    if (actor.record.module.length === 0) return undefined;
    hibernation.used(actor);
    if (actor.sandbox !== undefined) return undefined;
    try {
      installer.restore(actor);
      if (actor.description !== undefined)
        traits.record(actor.record.moduleHash, actor.description);
      return undefined;
    } catch (err) {
      return ensureError(err).message;
    }
  };
  loadCanister = ensureLoaded;
  const timerQueue = new TimerQueue<CanisterActor>();
  const dispatch = new Dispatcher({
    actors,
    timerQueue,
    executor,
    store,
    now: hooks.now,
    enqueue: hooks.enqueue,
    ensureLoaded,
    balances,
    fees,
    touched,
  });
  return {
    actors,
    timerQueue,
    traits,
    store,
    executor,
    batch,
    installer,
    deadlines,
    router,
    dispatch,
    limits,
    queues,
    balances,
    fees,
    certifiedData,
    system: options.systemCanister,
    ensureLoaded,
    now: hooks.now,
    inBatch: hooks.inBatch,
    ingressLedger,
    openCalls,
    hibernation,
    queryInstructions: { ...DEFAULT_INSTRUCTION_LIMITS, ...options.instructionLimits }.query,
  };
}
