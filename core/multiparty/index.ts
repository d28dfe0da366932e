/**
 * Multi-party channels: per-author hash-linked op chains signed by op or by head, merged as a
 * set, folded deterministically into balances, and checkpointed for settlement.
 */
export * from "./types";
export { MultipartyError, MULTIPARTY_ERROR_REASONS, type MultipartyErrorReason } from "./errors";
export {
  MULTIPARTY_DOMAIN_NAME,
  MULTIPARTY_DOMAIN_VERSION,
  OP_PRIMARY_TYPES,
  OP_TYPES,
  HEAD_TYPES,
  CHECKPOINT_TYPES,
  multipartyTypedDataDomain,
  opTypedData,
  headTypedData,
} from "./typed-data";
export { hashOp, opDigest, headDigest, multipartyDomainSeparator, encodeType } from "./encode";
export { signOp, verifyOpSignature, signHead, verifyHeadSignature } from "./sign";
export { validateConfig, validateOp, validateHead } from "./validate";
export { OpLog, mergeLogs } from "./log";
export { fold } from "./fold";
export { INVALID_REASONS, type InvalidReason } from "./rules";
export { witnessLinks, type Equivocation, type ForkWitness } from "./evidence";
export {
  stateHash,
  type MultipartyState,
  type BalanceEntry,
  type LockEntry,
  type TokenTotal,
  type ChainHead,
  type OpStatus,
} from "./state";
export { merkleRoot, merkleProof, verifyMerkleProof } from "./merkle";
export {
  balanceLeaf,
  opLeaf,
  headsHash,
  checkpointOf,
  checkpointDigest,
  checkpointTypedData,
  signCheckpoint,
  verifyCheckpointSignature,
  balanceProof,
  verifyBalanceProof,
  type Checkpoint,
} from "./checkpoint";
export { Replica, type ReceiveResult } from "./replica";
export { Participant, type ParticipantOptions } from "./participant";
