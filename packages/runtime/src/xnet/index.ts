/**
 * XNet: the runtime's end of a topology of several subnets. A runtime that hosts one subnet of
 * several allocates canister ids in its subnet's range, hands a picked request for another
 * subnet's canister to the host's XNet layer (`SubnetRouting.routeOut`), inducts requests that
 * arrive on certified streams (`Runtime.induct`) and delivers the responses to calls it sent
 * out (`Runtime.deliverRemote`). Streams, their certification and verification live in the
 * replica (`packages/replica/src/subnets/`).
 */
export type { RouteResult, SubnetRouting } from './subnet-routing.js';
export type { InductedRequest, InductHooks } from './remote-calls.js';
