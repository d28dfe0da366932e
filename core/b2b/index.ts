/**
 * The broker-to-broker protocol pieces a broker node and the clearing service share (BROKERS.md
 * "The six RPCs", "Disputes from logs"): the signed envelope and its one canonical encoding, the
 * six RPC bodies, metering and admission, the hash-chained signed log, and the dispute decision.
 */
export { canonicalBytes, canonicalJson, parseCanonicalJson, type CanonicalValue } from "./canonical";
export {
  B2B_DOMAIN_NAME,
  B2B_DOMAIN_VERSION,
  B2B_TYPES,
  b2bTypedDataDomain,
  envelopeDigest,
  logEntryDigest,
  type EnvelopeMessage,
  type LogEntryMessage,
} from "./typed-data";
export {
  BODY_LIMITS,
  readBody,
  type B2BAsset,
  type BodyResult,
  type BookLevel,
  type CreateRemoteOrder,
  type NotifyOrderUpdate,
  type OrderbookIncrement,
  type RpcBodies,
  type RpcBody,
  type Side,
  type SnapshotRequest,
  type SnapshotResponse,
  type TradeEvent,
  type UpdateRemoteOrder,
} from "./bodies";
export {
  MAX_BODY_BYTES,
  MAX_WIRE_BYTES,
  decodeEnvelope,
  encodeEnvelope,
  envelopeBodyBytes,
  envelopeHash,
  signEnvelope,
  verifyEnvelope,
  type AcceptedEnvelope,
  type Envelope,
  type EnvelopeRefusal,
  type EnvelopeResult,
  type ReceiverContext,
  type SignedEnvelope,
} from "./envelope";
export {
  admitCall,
  compareMeters,
  fullBucket,
  meterAll,
  meterEnvelope,
  rpcCallOf,
  takeCall,
  unpaidFees,
  type AdmissionRefusal,
  type BucketState,
  type MeterComparison,
  type MeterDisagreement,
  type MeterTolerance,
  type PeerPolicy,
  type RateCap,
} from "./metering";
export {
  ZERO_HASH,
  appendEntry,
  logHead,
  signEntry,
  logEntryHash,
  verifyLog,
  type B2BLog,
  type LogDirection,
  type LogEntry,
  type LogHead,
  type LogRefusal,
  type LogResult,
  type VerifiedEntry,
} from "./log";
export { decideDispute, decisionHash, type DisputeDecision, type DisputeInput, type ExclusionReason } from "./dispute";
