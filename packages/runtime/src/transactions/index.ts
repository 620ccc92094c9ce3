/**
 * Transactions: dispatch/reply, CosmWasm's transactional call mode (an extension). An execution
 * that dispatched sub-messages is the root of a transaction that runs to its end at once: each
 * sub-message in an overlay frame nested in its dispatcher's, across canisters (a store
 * savepoint and a heap mark per frame), `replyOn` deciding who handles a failure, one shared
 * instruction budget, and one atomic commit with the root. Also synchronous queries between
 * canisters (`queryContract`).
 */
export { MAX_SUBMSG_DEPTH } from './sub-message.js';
export type { ReplyOn, SubMessage } from './sub-message.js';
