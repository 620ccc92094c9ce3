/** The replica's web dashboard: canisters, their state, call trees, a Candid UI, replica controls. */
export { dashboardHandler, type DashboardOptions, type RequestHandler } from './dashboard.js';
export { answerApi, type ApiAnswer, type DecodedExecution } from './api.js';
export type { IdentityInfo, IdentityKey, IdentitySource } from './identities.js';
