export { startHttpServer, type HttpServer, type HttpServerOptions } from './server.js';
export {
  HttpProblem,
  decodeEnvelope,
  type CanisterRequest,
  type ReadStateRequest,
  type HttpProblemCode,
} from './envelope.js';
export { CertifiedState, type RequestStatus, type CertifiedStateOptions } from './state.js';
export { KEY_FILE_NAME, loadOrCreateKeys, type ServerKeys } from './key-file.js';
export { type SignedTree } from './rounds.js';
export {
  generateNodeKey,
  nodeKeyFrom,
  signQueryResponse,
  type NodeKey,
  type NodeSignature,
  type QueryResponse,
} from './node-key.js';
export type { Answer, HandlerContext } from './handlers.js';
export {
  authenticateEnvelope,
  checkTargets,
  MAX_DELEGATION_CHAIN,
  type TargetRestrictions,
} from './auth-envelope.js';
export {
  parsePublicKey,
  selfAuthenticatingPrincipal,
  verifySignature,
  KeyError,
  type KeyScheme,
  type SenderKey,
} from './auth-keys.js';
export {
  serveGateway,
  resolveGatewayTarget,
  verifyResponse,
  CERTIFICATE_VERSION,
  MAX_CERT_TIME_OFFSET_NS,
  type GatewayAnswer,
  type GatewayContext,
  type GatewayLimits,
  type GatewayRequest,
  type GatewayTarget,
} from './gateway/index.js';
