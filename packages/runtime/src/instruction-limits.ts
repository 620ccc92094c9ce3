/**
 * Execution budgets, in tincan's unit: one unit per loop iteration and per function call in
 * canister code (the bundler adds the counting). Counting work, not time, keeps executions
 * deterministic: the same message traps at the same point on every machine.
 */
import { getHeapStatistics } from 'node:v8';
import type { ExecutionMode } from './execution.js';

/** Units an execution may spend before it traps with "instruction limit exceeded". */
export interface InstructionLimits {
  /** Updates, callbacks (and later timers and heartbeats). */
  readonly update: number;
  /** Queries, and `@inspectMessage` runs. */
  readonly query: number;
  /** Module evaluation, init (and later upgrades). */
  readonly install: number;
}

/**
 * Defaults keep ICP's ratios (40B : 5B : 300B instructions). One unit stands for one loop
 * iteration or call; a tight loop spends about 1.7e8 units a second on a 2-core x86 machine, so
 * an update may run about 3 s of pure looping (much longer for real work per iteration), and
 * runaway code stops within seconds.
 */
export const DEFAULT_INSTRUCTION_LIMITS: InstructionLimits = { update: 5e8, query: 6.25e7, install: 3.75e9 };

/** The budget of an execution of `mode`. */
export function budgetFor(mode: ExecutionMode, limits: InstructionLimits): number {
  switch (mode) {
    case 'query':
    case 'inspect':
      return limits.query;
    case 'init':
    case 'load':
      return limits.install;
    default:
      return limits.update;
  }
}

/** Share of V8's heap limit above which a running execution is stopped. */
const HEAP_PRESSURE = 0.7;
/** Heap growth within one execution above which it is stopped. */
const EXECUTION_HEAP_GROWTH_BYTES = 1 << 30;

/** The process heap in use now, in bytes. */
export function heapUsedBytes(): number {
  return getHeapStatistics().used_heap_size;
}

/**
 * Whether the running execution must stop for memory: the process heap is nearly full, or the
 * execution grew it by more than 1 GiB since it started. Checked between budget slices, so a
 * canister that allocates without end traps instead of taking the replica down with it.
 */
export function heapExhausted(startBytes: number): boolean {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  return used > limit * HEAP_PRESSURE || used - startBytes > EXECUTION_HEAP_GROWTH_BYTES;
}
