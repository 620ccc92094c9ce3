export { CertificationError, type CertificationErrorCode } from './errors.js';
export { requestId, hashValue } from './request-id.js';
export { encodeLeb128, decodeLeb128, compareBytes, concatBytes, utf8 } from './bytes.js';
export {
  type HashTree,
  type EmptyTree,
  type ForkTree,
  type LabeledTree,
  type LeafTree,
  type PrunedTree,
  type LookupResult,
  type LabelLookup,
  NodeTag,
  empty,
  fork,
  labeled,
  leaf,
  pruned,
  domainSeparator,
  reconstruct,
  createTreeHasher,
  type TreeHasher,
  lookupPath,
  findLabel,
  flattenForks,
  assertHashTree,
} from './hash-tree.js';
export { type TreeEntry, buildTree, balancedForks } from './build-tree.js';
export { prune } from './prune.js';
export {
  type RootKey,
  BLS_DST,
  BLS_PUBLIC_KEY_LENGTH,
  BLS_SIGNATURE_LENGTH,
  generateRootKey,
  blsPublicKey,
  checkBlsSecretKey,
  blsSign,
  blsVerify,
  derEncodeBlsPublicKey,
  derDecodeBlsPublicKey,
} from './bls.js';
export {
  type Certificate,
  type Delegation,
  stateRootMessage,
  timeEntry,
  nowNanos,
  signCertificate,
  signStateRoot,
  stateRootHashMessage,
  encodeCertificate,
  certificateTime,
  decodeCertificate,
  verifyCertificateSignature,
} from './certificate.js';
export { encodeCbor, decodeCbor } from './cbor.js';
export { LabelIndex } from './label-index.js';
