/**
 * Broker-to-broker clearing (BROKERS.md, "Risk"; seeds 000 and 002): netting of fills into
 * liabilities, stressed valuation in both directions, risk factors from price history, the
 * open-order add-on, zones, the RPC cost schedule and meters, and THE encoding of the B2B app data.
 */
export {
  assetKey,
  compareAssets,
  directionsOf,
  sameAddress,
  type AssetRef,
  type BrokerPair,
  type Direction,
} from "./types";
export { clearingInputError, type ClearingInputReason } from "./errors";
export { netLiabilities, signedFlows, type Fill, type Liability } from "./netting";
export {
  PPM,
  USD_E18,
  pricingTable,
  staleMarks,
  type AssetParams,
  type AssetPrice,
  type Mark,
  type PricingTable,
} from "./pricing";
export { stressedValueDownE18, stressedValueUpE18, valueDownE18, valueUpE18 } from "./valuation";
export { directionalExposure, exposures, type DirectionalExposure, type ValuedLiability } from "./exposure";
export { MEDIAN_PPM, quantileUp } from "./quantile";
export { DEFAULT_RISK_FACTORS_PPM, defaultRiskFactorPpm } from "./default-risk-factors";
export {
  DEFAULT_HORIZON_DAYS,
  absoluteChangePpm,
  riskFactorFromHistory,
  type RiskFactor,
  type RiskFactorOptions,
} from "./risk-factor";
export { openOrderAddOn, type MarketAssets, type OpenOrderAddOn, type OpenOrderLine } from "./open-orders";
export { collateralValue, type CollateralValue } from "./collateral";
export { DEFAULT_THRESHOLDS, ZONE_RANK, assertThresholds, utilisationBps, zoneOf, type Zone } from "./zones";
export { assessChannelRisk, type ChannelRiskContext, type DirectionalRisk } from "./channel-risk";
export {
  DEFAULT_RPC_PRICES,
  RPC_KIND_COUNT,
  RPC_PROFILES,
  RpcKind,
  rpcCost,
  typicalRpcCost,
  type RpcPayerRole,
  type RpcPrices,
  type RpcProfile,
  type RpcUsage,
} from "./rpc-schedule";
export { recordRpcCall, rpcFeeTotals, rpcFeesOf, rpcPayer, type RpcCall } from "./rpc-meter";
export {
  B2B_APP_DATA_TYPES,
  MAX_APP_DATA_ENTRIES,
  OrderSide,
  type B2BAppData,
  type Collateral,
  type Holding,
  type OrderSummary,
  type RpcCounter,
  type Thresholds,
} from "./app-data-types";
export { validateB2BAppData } from "./app-data-validate";
export { canonicalB2BAppData } from "./app-data-canonical";
export {
  B2B_APP_DATA_TYPEHASH,
  B2B_APP_DATA_TYPE_STRING,
  b2bAppDataTypedData,
  encodeB2BType,
  hashB2BAppData,
} from "./app-data-hash";
