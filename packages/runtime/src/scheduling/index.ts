/**
 * Scheduling: what runs next and when. The scheduler policy picks among the messages ICP's
 * per-pair order lets run; the run loop cuts work into batches; the dispatcher turns each
 * picked message (request, response, timer) into an execution; the timer table and heartbeat
 * rounds queue canisters' own work; and the clock seam gives replica time (the runtime never
 * reads the host's).
 */
export { ManualClock } from './clock.js';
export type { Clock } from './clock.js';
export { fifoPolicy, seededPolicy } from './scheduler-policy.js';
export type { SchedulerCandidate, SchedulerPolicy } from './scheduler-policy.js';
