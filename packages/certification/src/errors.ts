import { TincanError } from '@tincan/errors';

/** Machine-readable codes of {@link CertificationError}. */
export type CertificationErrorCode =
  /** A value given to {@link requestId} has no representation-independent hash (null, boolean, negative, …). */
  | 'ERR_UNHASHABLE_VALUE'
  /** A hash tree is structurally invalid (bad node tag, leaf where a label is expected, …). */
  | 'ERR_INVALID_TREE'
  /** Two entries given to `buildTree` share a path, or one path is a prefix of another. */
  | 'ERR_CONFLICTING_PATHS'
  /** A key or seed has the wrong length or encoding. */
  | 'ERR_INVALID_KEY'
  /** A certificate is malformed, or its tree lacks the mandatory `/time` leaf. */
  | 'ERR_INVALID_CERTIFICATE';

/** The one error class of `@tincan/certification`; switch on `err.code`. */
export class CertificationError extends TincanError<CertificationErrorCode> {}
