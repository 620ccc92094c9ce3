export { startHttpServer, type HttpServer, type HttpServerOptions } from './server.js';
export { HttpProblem, decodeEnvelope, type CanisterRequest, type ReadStateRequest } from './envelope.js';
export { CertifiedState, type RequestStatus, type CertifiedStateOptions } from './state.js';
export { generateNodeKey, signQueryResponse, type NodeKey, type NodeSignature, type QueryResponse } from './node-key.js';
export type { Answer, HandlerContext } from './handlers.js';
