export { createTestReplica, TEST_EPOCH_NS } from './test-replica.js';
export type { TestReplica, TestReplicaOptions } from './test-replica.js';
export { identity } from './identities.js';
export { assertAllSchedules, exploreSchedules } from './explore-schedules.js';
export type { ExploreOptions, ExploreResult } from './explore-schedules.js';
export { CallRejectedError, ManualClock, Replica, ZERO_FEES, seededPolicy } from '@tincan/replica';
export { createTestSubnets } from './test-subnets.js';
export type { TestSubnets, TestSubnetsOptions } from './test-subnets.js';
export { Subnets } from '@tincan/replica';
