/**
 * Execution: one message run on one canister up to its commit point. The `Execution` holds what
 * the host knows while canister code runs and the effects held back until commit (answer,
 * outgoing calls, timer changes, certified data, balance delta); the executor runs a kernel op
 * in the canister's sandbox and then commits (heap, memory limits, effects) or rolls back a trap
 * to the execution's savepoint. Instruction budgets, memory limits, certified data, the
 * inspect-only system calls and execution traces are parts of that one step.
 */
export { MAX_CERTIFIED_DATA_BYTES, type DataCertificateSource } from './certified-data.js';
export { DEFAULT_INSTRUCTION_LIMITS } from './instruction-limits.js';
export type { InstructionLimits } from './instruction-limits.js';
export type { ExecutionInfo } from './executor.js';
export type { ExecutionTrace, TraceCause, TraceSink, TracedCall } from './trace.js';
export type { ExecutionMode } from './execution.js';
