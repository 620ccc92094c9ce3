/**
 * The sandbox: one node:vm realm per canister, host side. It compiles the kernel once per
 * process, creates a canister's context with deterministic globals, runs every kernel op as a
 * script (guarded by the wall-clock backstop when the host gives one), sends a canister's
 * unhandled rejections to its own log, and describes values thrown out of the realm without
 * running their code.
 */
export { compileKernel } from './sandbox.js';
export type { CompiledKernel, ExecutionGuard, WallClockLimits } from './sandbox.js';
export { describeThrown, isHostObject } from './describe-thrown.js';
export { KERNEL_ENTRY } from './kernel-entry.js';
