/**
 * The channel core shared by the browser, the server and (mirrored) the custody contract:
 * state types, channel id, THE EIP-712 encoding, hashing, signing, verification, transitions.
 */
export * from "./types";
export { channelId, type ChannelIdParams } from "./channel-id";
export {
  CHANNEL_DOMAIN_NAME,
  CHANNEL_DOMAIN_VERSION,
  STATE_TYPES,
  CHALLENGE_TYPES,
  channelTypedDataDomain,
  stateTypedData,
  challengeTypedData,
  toAbiState,
} from "./typed-data";
export { hashState, hashStateStruct, hashChallenge, domainSeparator } from "./hash";
export {
  signState,
  signDigest,
  recoverStateSigner,
  verifyStateSignature,
  assertStateSignature,
  parseStateSignature,
  type ParsedSignature,
} from "./signature";
export {
  validateState,
  validateInitialState,
  validateTransition,
  assertConserves,
  fundingOf,
  resizeDeltas,
  type FundingEntry,
  type ResizeDelta,
} from "./transitions";
export {
  hashTraderAppData,
  TRADER_APP_DATA_TYPES,
  type TraderAppData,
  type PositionSummary,
  type FeeTotal,
} from "./app-data";
export {
  createStateSigner,
  createStateVerifier,
  nobleBackend,
  type Secp256k1Backend,
  type StateSigner,
  type StateVerifier,
} from "./fast";
export { hashStateBytes, hashStateStructBytes } from "./hash";
export { bytesToHex, hexToBytes } from "./bytes";
