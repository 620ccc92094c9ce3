/**
 * The system API: the only door between canister code (the CDK, bundled into each canister)
 * and the runtime. It plays the role ICP's `ic0` imports play for Wasm canisters. Everything
 * crossing it is a primitive, a `Uint8Array`, or a plain array of those, so a sandbox never
 * holds a host object it could climb out through.
 */

/** Global symbol under which the runtime installs the {@link SystemApi} in every sandbox. */
export const SYSTEM_API_SYMBOL = 'tincan.system';

/**
 * Global symbol of the sandbox's {@link MeterClaim}: there only until the canister bundle's
 * meter prelude, the first code of the bundle, claims it.
 */
export const METER_SYMBOL = 'tincan.meter';

/**
 * Registers the bundle's meter with the kernel, once: the first call removes the claim from the
 * global and every later call is refused. Returns the meter's refill: the next slice of the
 * budget, or 0 when the execution must stop (budget spent, or the process heap nearly full; the
 * trap is then already recorded).
 */
export type MeterClaim = (meter: Meter) => () => number;

/** Kinds of entry points a canister class can expose. */
export type MethodMode =
  | 'update'
  | 'query'
  | 'compositeQuery'
  | 'init'
  | 'preUpgrade'
  | 'postUpgrade'
  | 'inspectMessage'
  | 'heartbeat'
  | 'onLowWasmMemory';

/** One entry point as the CDK describes it to the runtime. */
export interface MethodDescription {
  readonly name: string;
  readonly mode: MethodMode;
  /** Hidden methods are callable but left out of the Candid interface. */
  readonly hidden: boolean;
}

/** What the CDK tells the runtime about a loaded canister. */
export interface CanisterDescription {
  readonly methods: readonly MethodDescription[];
  /** The service's Candid interface in `.did` text form. */
  readonly candid: string;
}

/** Options of an outgoing call, as the CDK passes them through. */
export interface CallOptions {
  /** Cycles attached to the call. */
  readonly cycles?: bigint;
  /** Bounded-wait timeout in seconds; absent means a guaranteed-response call. */
  readonly timeoutSeconds?: number;
  /** Fire and forget: no response is delivered. */
  readonly oneway?: boolean;
}

/**
 * The adapter a CDK registers once its module has been evaluated: how the runtime drives the
 * canister. Every method runs inside the sandbox, inside an execution the runtime opened.
 */
export interface CanisterAdapter {
  /** Methods and Candid interface. Called once after load. */
  describe(): CanisterDescription;
  /** The object whose own fields are the persisted heap (the canister class instance). */
  heapRoot(): object;
  /**
   * Starts entry point `method`. Arguments come from `msgArgData()`. The CDK replies through
   * `msgReply`, rejects through `msgReject`, or reports a trap through `trap`, possibly in a
   * later execution when the method awaited calls.
   */
  invoke(method: string): void;
  /**
   * Delivers the response to call `callId` (made by `callPerform`). A reply's bytes are in
   * `msgArgData()`; `msgRejectCode()` is non-zero for a reject.
   */
  deliver(callId: number): void;
  /** Forgets calls that were never sent because the execution that made them trapped. */
  forget(callIds: readonly number[]): void;
  /**
   * The execution that just ran did not commit (it trapped, or was a query): bookkeeping the
   * CDK did during it outside the heap (guards taken or released) must be undone too.
   */
  rolledBack(): void;
  /**
   * Runs the cleanup of call `callId`: its response execution trapped and was rolled back.
   * Runs against the state from before that callback; it may change state, but cannot call
   * or reply.
   */
  cleanup(callId: number): void;
  /** Runs timer `timerId`, which is due, as its own execution. */
  timer(timerId: number): void;
}

/** The execution budget of a sandbox, kept by code the bundler adds to every canister. */
export interface Meter {
  /** Sets the units the next execution may spend. */
  reset(units: number): void;
  /** Units left. */
  remaining(): number;
  /**
   * Spends `units` now (work the kernel did for canister code, such as a built-in's pass over a
   * large array); throws "instruction limit exceeded" like the bundle's own checks when the
   * budget runs out.
   */
  charge(units: number): void;
}

/** The system API installed in every sandbox under `Symbol.for(SYSTEM_API_SYMBOL)`. */
export interface SystemApi {
  /**
   * Instruction units spent so far: by the current message execution (`counterType` 0), or by
   * every execution of the current call context up to now (1), as ICP's `performance_counter`.
   */
  performanceCounter(counterType?: number): bigint;
  /**
   * Waits for `value` (a promise or a plain value) and passes it to `onValue`. A rejection, or
   * a throw in `onValue`, is a trap of the execution it happens in. The waiting is done by
   * unmetered kernel code, so it works even after the budget ran out, and nothing is ever
   * left as an unhandled rejection.
   */
  settle(value: unknown, onValue: (value: unknown) => void): void;
  /** Registers the canister; called once by the CDK's generated entry. */
  registerCanister(adapter: CanisterAdapter): void;
  /**
   * Registers classes whose instances may live in the heap, so that they come back with their
   * prototype after a replica restart. Exported classes of the canister module are registered
   * by the runtime itself.
   */
  registerClasses(classes: Record<string, abstract new (...args: never[]) => unknown>): void;

  /** Candid-encoded argument of the current message, or the reply of the delivered call. */
  msgArgData(): Uint8Array;
  /** Principal bytes of the immediate caller. */
  msgCaller(): Uint8Array;
  /** Principal bytes of the user who sent the original ingress message. */
  msgOrigin(): Uint8Array;
  /**
   * In `@inspectMessage` only (ICP's `msg_method_name`): the name of the method the inspected
   * ingress message calls. Traps anywhere else.
   */
  msgMethodName(): string;
  /**
   * In `@inspectMessage` only (ICP's `accept_message`): accepts the inspected ingress message.
   * A message that is not accepted is refused. Traps when called twice or anywhere else.
   */
  acceptMessage(): void;
  /** Replies to the current call context. Traps if it was already answered. */
  msgReply(reply: Uint8Array): void;
  /** Rejects the current call context with CANISTER_REJECT (4). */
  msgReject(message: string): void;
  /** In a response execution: the reject code, or 0 for a reply. */
  msgRejectCode(): number;
  /** In a response execution: the reject message. */
  msgRejectMsg(): string;
  /** Whether the current call context has been answered already. */
  msgReplied(): boolean;
  /** Deadline of a bounded-wait call in nanoseconds; 0 for unbounded calls and ingress. */
  msgDeadline(): bigint;

  /** Principal bytes of this canister. */
  canisterSelf(): Uint8Array;
  /** ICP's `canister_version`: bumped by every install, upgrade and settings change. */
  canisterVersion(): bigint;
  /** Whether `principal` (bytes) is one of this canister's controllers. */
  isController(principal: Uint8Array): boolean;
  /** False in a query or message inspection run on one replica, true in replicated execution. */
  inReplicatedExecution(): boolean;
  /** Reseeds this canister's `Math.random` stream from `seed` (saved and rolled back with the heap). */
  randSeed(seed: Uint8Array): void;
  /** Replica time in nanoseconds since the epoch; constant within one execution. */
  time(): bigint;
  /**
   * Aborts the current execution: its changes roll back and the caller gets CANISTER_ERROR.
   * `uncaught` marks the trap of an error nothing caught (the CDK's entry points), rather
   * than an `ic0.trap` of the canister's own; the caller's reject is the same.
   */
  trap(message: string, uncaught?: boolean): never;
  /** Writes a line to the canister's log. */
  debugPrint(message: string): void;

  /**
   * Schedules a timer `delayNs` from now, repeating every `intervalNs` when that is not 0.
   * Takes effect only if the current execution commits. Returns the timer's id.
   */
  timerSet(delayNs: bigint, intervalNs: bigint): number;
  /** Cancels a timer (when the current execution commits). */
  timerClear(timerId: number): void;

  /**
   * Queues a call to be sent when the current execution commits. Attached cycles and the call
   * fee leave the balance at once (restored if the execution traps). Returns the call id, or 0
   * when the canister cannot pay them and stay above its freezing threshold (nothing is
   * deducted then). Traps when the argument exceeds the payload limit.
   */
  callPerform(callee: Uint8Array, method: string, arg: Uint8Array, options: CallOptions): number;

  /**
   * tincan's dispatch/reply extension: records a sub-message of the current execution's
   * transaction, run when the execution ends. `replyOn` is 0 never, 1 success, 2 error,
   * 3 always; `replyMethod` names the method that gets `(msgId, success, data)` (empty when
   * `replyOn` is never). Returns the message id. Traps past the depth limit, in a query, or
   * with an unknown `replyOn`.
   */
  dispatch(
    target: Uint8Array,
    method: string,
    arg: Uint8Array,
    replyOn: number,
    cycles: bigint,
    replyMethod: string,
  ): bigint;
  /** Where the current execution runs in a transaction: 0 outside one, 1 a sub-message, 2 a reply handler. */
  dispatchRole(): number;
  /**
   * In a reply handler of one of the root's own sub-messages: replaces the root's answer with
   * `data` (Candid of the root method's return type) once the transaction commits; the last
   * call wins. Traps anywhere else, or when `data` is not Candid.
   */
  dispatchSetReplyData(data: Uint8Array): void;
  /**
   * Runs another canister's query inline on the state it has now, read-only (its writes are
   * discarded), and returns `[0, reply]` or `[rejectCode, UTF-8 reject message]`.
   */
  queryContract(target: Uint8Array, method: string, arg: Uint8Array): [number, Uint8Array];

  /** Cycles the caller attached to the current call that are still available to accept. */
  msgCyclesAvailable(): bigint;
  /** Moves up to `maxAmount` of the available cycles into the balance; returns the amount moved. Never traps. */
  msgCyclesAccept(maxAmount: bigint): bigint;
  /** In a response execution: cycles the callee refunded (attached but not accepted). */
  msgCyclesRefunded(): bigint;
  /** Cycles this canister can spend without dropping below its freezing threshold (`ic0.canister_liquid_cycle_balance128`). */
  canisterLiquidCycleBalance(): bigint;
  /** What a call of `method` with an argument of `argBytes` bytes costs, besides the cycles attached (`ic0.cost_call`). */
  costCall(method: string, argBytes: number): bigint;
  /** This canister's cycle balance, as the current execution sees it. */
  canisterCycleBalance(): bigint;
  /** Burns up to `amount` cycles, never below the freezing threshold; returns the amount burned. */
  cyclesBurn(amount: bigint): bigint;

  /**
   * ICP's `certified_data_set`: sets the canister's certified data (at most 32 bytes), which
   * the replica certifies under `/canister/<id>/certified_data` once the execution commits.
   * Traps in queries and message inspection.
   */
  certifiedDataSet(data: Uint8Array): void;
  /**
   * ICP's `data_certificate_copy`: in a non-replicated query, a certificate (CBOR) whose tree
   * holds `/time` and this canister's `certified_data`; undefined elsewhere.
   */
  dataCertificate(): Uint8Array | undefined;

  /** Stable map: value stored under `key`, if any. */
  stableMapGet(memoryId: number, key: Uint8Array): Uint8Array | undefined;
  /** Stable map: stores `value` under `key` and returns the previous value. */
  stableMapInsert(memoryId: number, key: Uint8Array, value: Uint8Array): Uint8Array | undefined;
  /** Stable map: removes `key` and returns its value. */
  stableMapRemove(memoryId: number, key: Uint8Array): Uint8Array | undefined;
  /** Stable map: whether `key` is present. */
  stableMapContains(memoryId: number, key: Uint8Array): boolean;
  /** Stable map: number of entries. */
  stableMapLen(memoryId: number): bigint;
  /** Stable map: entries in key order (bytewise), from `startIndex`, at most `length`. */
  stableMapRange(
    memoryId: number,
    startIndex: number,
    length: number,
  ): Array<[Uint8Array, Uint8Array]>;
}

/**
 * The system API, read once: the kernel defines it before any canister code runs, as a
 * property that can be neither changed nor deleted, and a read of a sandbox global costs
 * about 180 ns (vm contexts intercept every global property access).
 */
let cachedApi: SystemApi | undefined;

/** Reads the system API from a sandbox global; throws outside a tincan sandbox. */
export function systemApi(): SystemApi {
  if (cachedApi !== undefined) return cachedApi;
  const api = (globalThis as Record<symbol, unknown>)[Symbol.for(SYSTEM_API_SYMBOL)];
  if (api === undefined) {
    throw new Error('tincan: no system API here; canister code only runs inside a tincan replica');
  }
  cachedApi = api as SystemApi;
  return cachedApi;
}

/**
 * Global symbol a CDK sets to `true` on the prototype of handle objects (stable structures):
 * they are references to stable memory, not heap data, and are left out of heap snapshots.
 */
export const HANDLE_SYMBOL = 'tincan.handle';
