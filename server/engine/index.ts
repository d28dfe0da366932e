export {
  startEngineRuntime,
  recoverExchange,
  simulatedMarkSource,
  type EngineRuntime,
  type EngineRuntimeOptions,
  type EngineRuntimeStatus,
  type IdempotentRequest,
} from "./runtime";
export { toEngineMarketConfig, priceToPerLot, priceFromPerLotDown } from "./market-config";
export type { MarkPriceSource } from "./mark-feed";
