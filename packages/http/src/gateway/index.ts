/** The HTTP gateway: plain HTTP to canisters' `http_request`, as ICP's gateways serve it. */
export {
  serveGateway,
  CERTIFICATE_VERSION,
  type GatewayAnswer,
  type GatewayContext,
  type GatewayLimits,
  type GatewayRequest,
} from './gateway.js';
export { serveGatewayRequest } from './node-adapter.js';
export { resolveGatewayTarget, type GatewayTarget } from './resolve-target.js';
export {
  verifyResponse,
  MAX_CERT_TIME_OFFSET_NS,
  type VerifiedRequest,
  type VerifiedResponse,
  type VerifyOptions,
} from './verify.js';
