export type * from './state/index.js';
export * from './canisters/index.js';
export * from './execution/index.js';
export * from './calls/index.js';
export * from './cycles/index.js';
export * from './lifecycle/index.js';
export * from './scheduling/index.js';
export * from './ingress/index.js';
export * from './sandbox/index.js';
export * from './transactions/index.js';
export { Runtime } from './runtime.js';
export type { IngressCall, RuntimeOptions } from './runtime.js';
export { RuntimeError } from './runtime-error.js';
export type { RuntimeErrorCode } from './runtime-error.js';
export {
  HeapKind,
  decodeMeta,
  decodeRow,
  isHole,
  refId,
  type DecodedRow,
  type HeapMeta,
} from './kernel/index.js';
export * from './xnet/index.js';
