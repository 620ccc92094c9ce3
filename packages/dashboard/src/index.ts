/** The replica's web dashboard: canisters, call trees, a Candid UI. */
export { dashboardHandler, type RequestHandler } from './dashboard.js';
export { answerApi, type ApiAnswer, type DecodedExecution } from './api.js';
