/**
 * The exchange's journal as a verifiable log, shared by the server, the browser and (mirrored) the
 * anchoring contract: an RFC 9162 Merkle tree over keccak256, appended in O(log n) memory, with
 * inclusion and consistency proofs for any past size and their verification. See README.md.
 */
export { MAX_TREE_SIZE } from "./bits";
export { EMPTY_ROOT, HASH_BYTES, leafHash, nodeHash, parseHash, hashToHex, type Hash, type HashInput } from "./hash";
export { EVIDENCE_ERRORS, type EvidenceError, type VerifyFailure, type VerifyResult } from "./errors";
export {
  rootPlan,
  inclusionPlan,
  consistencyPlan,
  assembleProof,
  rangeCover,
  nodeKey,
  type NodeId,
  type StoredNode,
  type ProofPlan,
} from "./plan";
export { CompactRange } from "./compact-range";
export { MerkleLog, MemoryNodeStore, type NodeStore } from "./log";
export {
  MAX_PROOF_HASHES,
  verifyInclusion,
  verifyConsistency,
  rootFromInclusionProof,
  inclusionProofLength,
  consistencyProofLength,
  type InclusionClaim,
  type ConsistencyClaim,
} from "./verify";
export {
  SEQ_BYTES,
  journalLeafBytes,
  journalRowPayload,
  journalRowLeaf,
  journalRowLeafHash,
  leafIndexOfSeq,
  seqOfLeafIndex,
  type JournalRow,
} from "./leaf";
export {
  evidenceFixture,
  MAX_FIXTURE_SIZE,
  type EvidenceFixture,
  type EvidenceFixtureOptions,
  type InclusionCase,
  type ConsistencyCase,
} from "./fixture";
