/**
 * Execution budgets, in tincan's instruction unit: about one Wasm instruction of equivalent
 * work (see ARCHITECTURE.md, "Metering"). The bundler weighs every straight-line block of
 * canister code; the kernel charges large built-in and system API work by size. Counting work,
 * not time, keeps executions deterministic: the same message traps at the same point on every
 * machine.
 */
import { getHeapStatistics } from 'node:v8';
import type { ExecutionMode } from './execution.js';

/** Units an execution may spend before it traps (IC0522, "Canister exceeded the limit of N instructions …"). */
export interface InstructionLimits {
  /** Updates, callbacks (and later timers and heartbeats). */
  readonly update: number;
  /** Queries, and `@inspectMessage` runs. */
  readonly query: number;
  /** Module evaluation, init (and later upgrades). */
  readonly install: number;
}

/**
 * ICP's limits: 40B instructions for an update (and a callback or timer), 5B for a query,
 * 300B for install and upgrade. An empty loop, the cheapest runaway code, spends about 2e10
 * units a second of V8 time, so a runaway update traps in about 2 s, a query in a quarter of
 * a second.
 */
export const DEFAULT_INSTRUCTION_LIMITS: InstructionLimits = {
  update: 40e9,
  query: 5e9,
  install: 300e9,
};

/** The budget of an execution of `mode`. */
export function budgetFor(mode: ExecutionMode, limits: InstructionLimits): number {
  switch (mode) {
    case 'query':
    case 'compositeQuery':
    case 'compositeCallback':
    case 'inspect':
      return limits.query;
    case 'init':
    case 'load':
      return limits.install;
    default:
      return limits.update;
  }
}

/**
 * Default heap limit per canister. The replica's canisters share one process and its V8 heap
 * (about 4 GiB), so a canister gets less than ICP's 3 GiB `wasm_memory_limit` default.
 */
export const DEFAULT_HEAP_LIMIT_BYTES = 512 * 1024 * 1024;

/** Share of V8's heap limit above which a running execution is stopped. */
const HEAP_PRESSURE = 0.7;
/** Heap growth within one execution above which it is stopped. */
const EXECUTION_HEAP_GROWTH_BYTES = 1 << 30;

/** The process heap in use now, in bytes. */
export function heapUsedBytes(): number {
  const { used_heap_size: used, external_memory: external } = getHeapStatistics() as ReturnType<
    typeof getHeapStatistics
  > & { external_memory?: number };
  return used + (external ?? 0);
}

/**
 * Whether the running execution must stop for memory: the process heap is nearly full, or the
 * execution grew it by more than 1 GiB since it started. Checked between budget slices, so a
 * canister that allocates without end traps instead of taking the replica down with it.
 */
export function heapExhausted(startBytes: number): boolean {
  // Byte arrays live outside V8's heap (external memory) but in the same process.
  const {
    used_heap_size: heap,
    external_memory: external,
    heap_size_limit: limit,
  } = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  const used = heap + (external ?? 0);
  return heap > limit * HEAP_PRESSURE || used - startBytes > EXECUTION_HEAP_GROWTH_BYTES;
}
