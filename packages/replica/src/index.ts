export { Replica } from './replica.js';
export type { CanisterHandle, DeployOptions, ReplicaOptions } from './replica.js';
export { createActor, principalOf } from './actor.js';
export type { ActorOf, ActorTransport, IdentityLike } from './actor.js';
export { CallRejectedError, ReplicaError } from './replica-error.js';
export type { ReplicaErrorCode } from './replica-error.js';
export { ManualClock, fifoPolicy, seededPolicy } from '@tincan/runtime';
export type { Clock, LogLine, Outcome, SchedulerPolicy } from '@tincan/runtime';
