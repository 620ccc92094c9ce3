import type { HeapDeltaOut } from './heap-record.js';

/** The traps the kernel reports: `ic0.trap`, an uncaught error, the canister's heap limit. */
export type KernelTrapKind = 'explicit' | 'uncaught' | 'memory-limit';

/**
 * The host functions the runtime hands to the in-sandbox kernel. The kernel captures them
 * before any canister code runs and removes them from the global, so canister code can only
 * reach them through the kernel's wrappers, which copy every value into the sandbox realm.
 */
export interface HostBridge {
  /** Argument of the kernel operation the host is running (method name, call id, …). */
  opArg(): string | number | Uint8Array | undefined;
  /** Units the current execution may spend before it traps. */
  instructionBudget(): number;
  /**
   * The canister's heap limit in bytes: its `wasm_memory_limit`, at most the replica's heap
   * limit per canister. Read as each execution starts.
   */
  heapLimitBytes(): number;
  /** Whether the process heap is so full that the running execution must stop. */
  heapExhausted(): boolean;
  /**
   * The kernel hands its operations to the host, once, as it finishes starting: the host keeps
   * the only reference (no global holds them), so canister code can never run an op.
   */
  kernelReady(ops: KernelOps): void;
  /** Seed of the canister's `Math.random` stream (four 32-bit words), on first load. */
  randomSeed(): [number, number, number, number];

  msgArgData(): Uint8Array;
  msgCaller(): Uint8Array;
  msgOrigin(): Uint8Array;
  msgMethodName(): string;
  acceptMessage(): void;
  msgReply(reply: Uint8Array): void;
  msgReject(message: string): void;
  msgRejectCode(): number;
  msgRejectMsg(): string;
  msgReplied(): boolean;
  msgDeadline(): bigint;
  canisterSelf(): Uint8Array;
  canisterVersion(): bigint;
  isController(principal: Uint8Array): boolean;
  inReplicatedExecution(): boolean;
  time(): bigint;
  /** Records a trap on the current execution; the kernel then throws inside the sandbox. */
  trap(kind: KernelTrapKind, message: string): void;
  /** Records that the current execution spent its instruction limit (ICP's IC0522 trap). */
  instructionLimitExceeded(): void;
  debugPrint(message: string): void;
  timerSet(delayNs: bigint, intervalNs: bigint): number;
  timerClear(timerId: number): void;
  /**
   * `timeoutSeconds` is negative for a guaranteed-response call. Returns the call id; 0 when
   * the canister cannot pay, -1 when the queue to the callee is full (call_perform fails).
   */
  callPerform(
    callee: Uint8Array,
    method: string,
    arg: Uint8Array,
    cycles: bigint,
    timeoutSeconds: number,
    oneway: boolean,
  ): number;
  /** See `SystemApi.dispatch`. */
  dispatch(
    target: Uint8Array,
    method: string,
    arg: Uint8Array,
    replyOn: number,
    cycles: bigint,
    replyMethod: string,
  ): bigint;
  /** See `SystemApi.dispatchRole`. */
  dispatchRole(): number;
  /** See `SystemApi.dispatchSetReplyData`. */
  dispatchSetReplyData(data: Uint8Array): void;
  /** See `SystemApi.queryContract`. */
  queryContract(target: Uint8Array, method: string, arg: Uint8Array): [number, Uint8Array];
  msgCyclesAvailable(): bigint;
  msgCyclesAccept(maxAmount: bigint): bigint;
  msgCyclesRefunded(): bigint;
  canisterCycleBalance(): bigint;
  canisterLiquidCycleBalance(): bigint;
  costCall(method: string, argBytes: number): bigint;
  cyclesBurn(amount: bigint): bigint;
  /** Sets the certified data when the execution commits; traps in queries or when over 32 bytes. */
  certifiedDataSet(data: Uint8Array): void;
  /** In a non-replicated query: a certificate of this canister's certified data. */
  dataCertificate(): Uint8Array | undefined;

  stableMapGet(memoryId: number, key: Uint8Array): Uint8Array | undefined;
  stableMapInsert(memoryId: number, key: Uint8Array, value: Uint8Array): Uint8Array | undefined;
  stableMapRemove(memoryId: number, key: Uint8Array): Uint8Array | undefined;
  stableMapContains(memoryId: number, key: Uint8Array): boolean;
  stableMapLen(memoryId: number): bigint;
  stableMapRange(
    memoryId: number,
    startIndex: number,
    length: number,
  ): Array<[Uint8Array, Uint8Array]>;

  utf8Encode(text: string): Uint8Array;
  utf8Decode(bytes: Uint8Array): string;
}

/** Name of the global the host sets before running the kernel script (the kernel deletes it). */
export const HOST_BRIDGE_GLOBAL = '__tincan_host';

/** Operations the kernel exposes to the host. Each runs as one script evaluation. */
export interface KernelOps {
  /** After the canister bundle ran: JSON of the CanisterDescription, or throws. */
  describe(): string;
  invoke(): void;
  deliver(): void;
  forget(): void;
  /** Runs the cleanup of the call whose id is the op argument (its callback trapped). */
  cleanup(): void;
  /** Runs the due timer whose id is the op argument. */
  timer(): void;
  /** Units the last execution spent. */
  spent(): number;
  /**
   * Commits the heap: returns the rows of the objects the execution changed (and of the objects
   * new to the heap), or null when the heap is exactly as last persisted. Throws on values that
   * cannot be persisted, naming their path.
   */
  persist(): HeapDeltaOut | null;
  /**
   * Takes back the last `persist`: the host refused to commit it (a memory limit), so the next
   * `rollback` restores the state from before the execution, not the one just persisted.
   */
  unpersist(): void;
  /** Rolls the heap back, in place, to the last restore point. */
  rollback(): void;
  /**
   * Opens a frame of a transaction in this canister's heap: returns the mark that `rewind`
   * (op argument) restores. Executions that follow do not commit until the transaction does.
   */
  mark(): number;
  /** Closes the innermost frame, keeping its writes (they join the outer frame). */
  unmark(): void;
  /** Closes the innermost frame and restores the heap to its mark (the op argument). */
  rewind(): void;
  /** Restores a persisted heap (packed meta and rows) into the fresh instance; returns its bytes. */
  restore(): number;
}
