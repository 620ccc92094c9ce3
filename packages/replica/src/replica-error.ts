import { TincanError } from '@tincan/errors';

/** Codes of {@link ReplicaError}. */
export type ReplicaErrorCode =
  'ERR_REPLICA_CLOSED' | 'ERR_UNKNOWN_METHOD' | 'ERR_NO_CANDID' | 'ERR_INVALID_ARGUMENT';

/** Errors of the replica API. */
export class ReplicaError<
  Code extends ReplicaErrorCode = ReplicaErrorCode,
> extends TincanError<Code> {}
