/**
 * The host side of one canister: its registry record, its sandbox, its open call contexts and
 * callbacks, and the execution in progress. The system API calls of its code land here.
 */
import type { CanisterDescription, MethodDescription } from '@tincan/abi';
import type { CallContext, Callback } from '../calls/call-context.js';
import { parseSettings, type CanisterSettings } from '../cycles/canister-settings.js';
import type { CanisterState } from './canister-state.js';
import { freezingThreshold, messageFee, type CycleFees } from '../cycles/cycles.js';
import { deadlineFor, type CallLimits } from '../calls/limits.js';
import type { CanisterRecord, StateStore } from '../state/state-store.js';
import type { Execution, TimerOp } from '../execution/execution.js';
import {
  icModeName,
  isComposite,
  mayAcceptCycles,
  mayAnswer,
  mayCall,
  maySetTimers,
  neverCommits,
} from '../execution/execution.js';
import { Rejects } from '@tincan/abi';
import { bytesEqual } from '@tincan/bytes';
import {
  budgetFor,
  heapExhausted,
  heapUsedBytes,
  type InstructionLimits,
} from '../execution/instruction-limits.js';
import type { HostBridge } from '../kernel/host-bridge.js';
import type { Sandbox } from '../sandbox/sandbox.js';
import { toHex } from './principal-ids.js';
import type { BundleSourceMap } from './source-maps.js';
import { inspectSystemCalls } from '../execution/inspect-system-calls.js';
import * as Traps from '../execution/trap.js';
import { certifiedDataCalls, type CertifiedDataRegistry } from '../execution/certified-data.js';
import { TimerTable, type TimerQueue } from '../scheduling/timer-table.js';
import { dispatchSystemCalls, type DispatchHost } from '../transactions/system-calls.js';

/** A line of a canister's log. */
export interface LogLine {
  readonly index: number;
  readonly timeNs: bigint;
  readonly message: string;
}

/** Host-side state of one canister. */
export class CanisterActor implements CanisterState {
  readonly key: string;
  record: CanisterRecord;
  sandbox: Sandbox | undefined;
  description: CanisterDescription | undefined;
  methods = new Map<string, MethodDescription>();
  readonly contexts = new Map<number, CallContext>();
  readonly callbacks = new Map<number, Callback>();
  readonly log: LogLine[] = [];
  /** Committed timers: when each fires next, and its interval (0 for one-shot). */
  readonly timers: TimerTable<CanisterActor>;
  nextTimerId = 1;
  current: Execution | undefined;
  /** Source map of the installed bundle, when the installer was given one (not persisted). */
  sourceMap: BundleSourceMap | undefined;
  /** Process heap in use at the current op's first budget refill. */
  heapAtStart: number | undefined;
  nextContextId = 1;
  nextCallId = 1;
  /** Size of the last heap snapshot written or read; part of the memory the canister pays for. */
  heapBytes = 0;
  /** Committed certified data, once read from the store (see `CertifiedDataRegistry`). */
  certifiedData: Uint8Array | undefined;
  #logIndex = 0;
  #settings: { json: string; value: CanisterSettings } | undefined;

  /** `timerQueue` is the runtime's queue of every canister's timers, which this canister's timers join. */
  constructor(record: CanisterRecord, timerQueue?: TimerQueue<CanisterActor>) {
    this.record = record;
    this.key = toHex(record.id);
    this.timers = new TimerTable<CanisterActor>(this, record.index, timerQueue);
  }

  /** Records the loaded code's description. */
  setDescription(description: CanisterDescription | undefined): void {
    this.description = description;
    this.methods = new Map((description?.methods ?? []).map((m) => [m.name, m]));
  }

  /** The canister's settings, parsed once per change. */
  settings(): CanisterSettings {
    const json = this.record.settingsJson;
    if (this.#settings?.json !== json) this.#settings = { json, value: parseSettings(json) };
    return this.#settings.value;
  }

  /** Balance below which the canister is frozen. */
  freezingThreshold(fees: CycleFees): bigint {
    return freezingThreshold(this, this.settings(), fees);
  }

  /** The execution in progress; system API calls outside one are a runtime bug or a leak. */
  execution(): Execution {
    if (this.current === undefined)
      throw new Error('the system API was used outside of a message execution');
    return this.current;
  }

  /** Appends to the canister log, bounded so a chatty canister cannot exhaust memory. */
  appendLog(message: string, timeNs: bigint, limit: number): void {
    this.log.push({
      index: this.#logIndex++,
      timeNs,
      message: this.sourceMap?.rewrite(message) ?? message,
    });
    if (this.log.length > limit) this.log.splice(0, this.log.length - limit);
  }
}

/** What the bridge needs from the runtime. */
export interface BridgeDeps {
  readonly store: StateStore;
  readonly randomSeed: () => [number, number, number, number];
  readonly limits: InstructionLimits;
  readonly onLog: (actor: CanisterActor, message: string) => void;
  readonly callLimits: CallLimits;
  readonly fees: CycleFees;
  /** Heap limit per canister, in bytes (a canister's `wasm_memory_limit` may lower it). */
  readonly heapLimitBytes: number;
  readonly certifiedData: CertifiedDataRegistry;
  /** How many more requests fit in the queue from this canister to `callee` (hex id). */
  readonly queueRoom: (callee: string) => number;
  /** Dispatch/reply and synchronous queries (the runtime's transaction runner). */
  readonly transactions?: DispatchHost | undefined;
}

/** Builds the host bridge of one canister's sandbox. */
export function createHostBridge(
  actor: CanisterActor,
  deps: BridgeDeps,
): Omit<HostBridge, 'opArg' | 'kernelReady'> {
  const { store, callLimits, fees } = deps;
  const id = actor.record.id;
  /** Cycles the execution can spend without dropping below the freezing threshold. */
  const liquid = (exec: Execution): bigint =>
    actor.record.cycles + exec.balanceDelta - actor.freezingThreshold(fees);
  const available = (exec: Execution): bigint =>
    mayAcceptCycles(exec.mode) && exec.context !== undefined
      ? exec.context.cyclesAvailable - exec.accepted
      : 0n;
  /** Records a contract violation (IC0504) as the execution's trap and stops the canister code. */
  const violate = (exec: Execution, violation: string): never => {
    exec.trap ??= Traps.contractViolation(violation);
    throw new Error(exec.trap.message);
  };
  const live = (): Execution => {
    const exec = actor.execution();
    if (exec.trap !== undefined) throw new Error(`execution already trapped: ${exec.trap.message}`);
    return exec;
  };
  const answer = (verb: string): Execution => {
    const exec = live();
    if (!mayAnswer(exec.mode) || exec.context === undefined)
      throw new Error(`${verb} is not allowed in ${exec.mode}`);
    if (exec.context.replied || exec.answer !== undefined)
      throw new Error(`${verb}: the call was already answered`);
    return exec;
  };
  return {
    randomSeed: deps.randomSeed,
    instructionBudget: () => {
      // Called as each metered op starts. The heap baseline is taken at the first refill, so
      // short executions (nearly all) never pay for reading heap statistics.
      actor.heapAtStart = undefined;
      const exec = actor.execution();
      return exec.instructionLimit ?? budgetFor(exec.mode, deps.limits);
    },
    heapLimitBytes: () => {
      const own = actor.settings().wasmMemoryLimitBytes;
      return own > 0n && own < BigInt(deps.heapLimitBytes) ? Number(own) : deps.heapLimitBytes;
    },
    heapExhausted: () => {
      actor.heapAtStart ??= heapUsedBytes();
      return heapExhausted(actor.heapAtStart);
    },
    msgArgData: () => live().argData,
    msgCaller: () => live().caller,
    msgOrigin: () => live().origin,
    ...inspectSystemCalls(live),
    ...certifiedDataCalls(actor, live, deps.certifiedData),
    ...dispatchSystemCalls(actor, live, deps.transactions, callLimits.maxReplyBytes),
    msgReply: (reply) => {
      const exec = answer('msgReply');
      if (reply.length > callLimits.maxReplyBytes) {
        exec.trap ??= Traps.apiMisuse(
          `reply of ${reply.length} bytes exceeds the limit of ${callLimits.maxReplyBytes} bytes`,
        );
        throw new Error(exec.trap.message);
      }
      exec.answer = { reply: new Uint8Array(reply) };
    },
    msgReject: (message) => {
      answer('msgReject').answer = { reject: Rejects.canisterReject(message) };
    },
    msgRejectCode: () => live().rejectCode,
    msgRejectMsg: () => live().rejectMessage,
    msgReplied: () => {
      const exec = live();
      return exec.answer !== undefined || exec.context?.replied === true;
    },
    msgDeadline: () => live().context?.deadlineNs ?? 0n,
    canisterSelf: () => id,
    canisterVersion: () => actor.record.version,
    isController: (principal) => actor.record.controllers.some((c) => bytesEqual(c, principal)),
    inReplicatedExecution: () => {
      const exec = actor.execution();
      return exec.replicated ?? !neverCommits(exec.mode);
    },
    time: () => actor.execution().timeNs,
    trap: (kind, message) => {
      const exec = actor.execution();
      exec.trap ??= Traps.fromKernel(kind, message);
    },
    instructionLimitExceeded: () => {
      const exec = actor.execution();
      if (exec.trap !== undefined) return;
      const limit = exec.instructionLimit ?? budgetFor(exec.mode, deps.limits);
      exec.trap = Traps.instructionLimit(limit);
    },
    debugPrint: (message) => deps.onLog(actor, message),
    timerSet: (delayNs, intervalNs) => {
      const exec = live();
      if (!maySetTimers(exec.mode)) {
        exec.trap ??= Traps.apiMisuse(
          `timers cannot be set in ${exec.mode === 'query' ? 'a query' : '@inspectMessage'}`,
        );
        throw new Error(exec.trap.message);
      }
      const id = actor.nextTimerId++;
      exec.timerOps.push({
        op: 'set',
        id,
        atNs: exec.timeNs + (delayNs > 0n ? delayNs : 0n),
        intervalNs: intervalNs > 0n ? intervalNs : 0n,
      });
      return id;
    },
    timerClear: (timerId) => {
      live().timerOps.push({ op: 'clear', id: timerId });
    },
    callPerform: (callee, method, arg, cycles, timeoutSeconds, oneway) => {
      const exec = live();
      // ICP traps a query that calls (a contract violation), whatever the canister catches.
      if (exec.mode === 'query')
        violate(exec, '"ic0_call_new" cannot be executed in ' + icModeName(exec) + ' mode');
      if (!mayCall(exec.mode)) throw new Error(`calls are not allowed in ${exec.mode}`);
      if (exec.tx !== undefined) {
        // A transaction runs to its end at once: nothing could answer the call inside it.
        exec.trap ??= Traps.apiMisuse(
          'inter-canister calls cannot be made in a dispatched sub-message or reply handler: use dispatch()',
        );
        throw new Error(exec.trap.message);
      }
      if (arg.length > callLimits.maxCallPayloadBytes) {
        exec.trap ??= Traps.apiMisuse(
          `call payload of ${arg.length} bytes exceeds the limit of ${callLimits.maxCallPayloadBytes} bytes`,
        );
        throw new Error(exec.trap.message);
      }
      if (isComposite(exec.mode)) {
        // A composite query's calls run in its call graph: no cycles, no fees, no queues.
        if (cycles > 0n)
          violate(
            exec,
            '"ic0_call_cycles_add128" cannot be executed in ' + icModeName(exec) + ' mode',
          );
        const callId = actor.nextCallId++;
        exec.calls.push({
          callId,
          callee: new Uint8Array(callee),
          method,
          arg: new Uint8Array(arg),
          oneway,
          deadlineNs: 0n,
          cycles: 0n,
        });
        return callId;
      }
      const attached = cycles > 0n ? cycles : 0n;
      const cost = attached + messageFee(fees.callBase, fees.callPerByte, method, arg);
      // ICP refuses the call (call_perform fails) rather than freezing the caller.
      if (cost > 0n && cost > liquid(exec)) return 0;
      // A full queue to the callee (counting this execution's own calls to it) also makes
      // call_perform fail, at once, instead of a reject later. The management canister's
      // queue is not bounded here.
      if (callee.length > 0) {
        const target = toHex(callee);
        let mine = 0;
        for (const c of exec.calls) if (toHex(c.callee) === target) mine++;
        if (deps.queueRoom(target) - mine <= 0) return -1;
      }
      exec.balanceDelta -= cost;
      const callId = actor.nextCallId++;
      // A negative timeout means none was given: a guaranteed-response call.
      const deadlineNs =
        timeoutSeconds < 0 ? 0n : deadlineFor(exec.timeNs, timeoutSeconds, callLimits);
      exec.calls.push({
        callId,
        callee: new Uint8Array(callee),
        method,
        arg: new Uint8Array(arg),
        oneway,
        deadlineNs,
        cycles: attached,
      });
      return callId;
    },
    msgCyclesAvailable: () => available(live()),
    msgCyclesAccept: (maxAmount) => {
      const exec = live();
      const free = available(exec);
      const amount = maxAmount <= 0n ? 0n : maxAmount < free ? maxAmount : free;
      exec.accepted += amount;
      exec.balanceDelta += amount;
      return amount;
    },
    msgCyclesRefunded: () => live().refunded,
    canisterCycleBalance: () => actor.record.cycles + live().balanceDelta,
    canisterLiquidCycleBalance: () => {
      const free = liquid(live());
      return free > 0n ? free : 0n;
    },
    costCall: (method, argBytes) =>
      fees.callBase + fees.callPerByte * BigInt(method.length + argBytes),
    cyclesBurn: (amount) => {
      const exec = live();
      const free = liquid(exec);
      const burned = amount <= 0n || free <= 0n ? 0n : amount < free ? amount : free;
      exec.balanceDelta -= burned;
      return burned;
    },
    stableMapGet: (memoryId, key) => store.stableGet(id, memoryId, key),
    stableMapInsert: (memoryId, key, value) => {
      if (actor.current !== undefined) actor.current.stableWrites++;
      return store.stablePut(id, memoryId, key, value);
    },
    stableMapRemove: (memoryId, key) => {
      if (actor.current !== undefined) actor.current.stableWrites++;
      return store.stableDelete(id, memoryId, key);
    },
    stableMapContains: (memoryId, key) => store.stableHas(id, memoryId, key),
    stableMapLen: (memoryId) => store.stableCount(id, memoryId),
    stableMapRange: (memoryId, startIndex, length) =>
      store.stableRange(id, memoryId, startIndex, length),
    utf8Encode: (text) => Buffer.from(text, 'utf8'),
    utf8Decode: (bytes) =>
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
  };
}

/** Applies a committed execution's timer changes to the canister's timers. */
export function applyTimerOps(actor: CanisterActor, ops: readonly TimerOp[]): void {
  for (const op of ops) {
    if (op.op === 'set') actor.timers.set(op.id, { atNs: op.atNs, intervalNs: op.intervalNs });
    else actor.timers.delete(op.id);
  }
}
