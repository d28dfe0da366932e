/** Error codes of the exchange engine (core/market, core/risk, core/fees, core/engine). */
export const ENGINE_ERROR_CODES = [
  "MARKET_NOT_FOUND",
  // configuration
  "MARKET_EXISTS",
  "MARKET_CONFIG_INVALID",
  "ASSET_DECIMALS_MISMATCH",
  "ASSET_NOT_FOUND",
  "MARKET_PARAM_IMMUTABLE",
  "MARKET_UPDATE_NO_CHANGE",
  // accounts and amounts
  "ACCOUNT_RESERVED",
  "AMOUNT_NOT_POSITIVE",
  "INSUFFICIENT_BALANCE",
  "INSUFFICIENT_MARGIN",
  "WITHDRAW_EXCEEDS_FREE_COLLATERAL",
  "NEGATIVE_EQUITY",
  // order shape
  "ORDER_INVALID",
  "PRICE_NOT_POSITIVE",
  "PRICE_NOT_ON_TICK",
  "PRICE_OUT_OF_RANGE",
  "SIZE_NOT_POSITIVE",
  "SIZE_NOT_ON_LOT",
  /** a size beyond what the market can count (its lot × 2^53 − 1) */
  "SIZE_OUT_OF_RANGE",
  "NOTIONAL_BELOW_MINIMUM",
  "PERP_ONLY",
  // order lifecycle
  "ORDER_NOT_FOUND",
  "ORDER_NOT_OWNED",
  "POST_ONLY_WOULD_TAKE",
  "FOK_NOT_FILLABLE",
  "REDUCE_ONLY_WOULD_INCREASE",
  "AMEND_NO_CHANGE",
  // prices and funding
  "MARK_PRICE_UNAVAILABLE",
  "FUNDING_NOT_DUE",
  "TRIGGER_PRICE_INVALID",
  /** a stop whose trigger the market's price has already crossed (it would fire at once) */
  "STOP_WRONG_SIDE",
  /** an account already has as many pending stop orders as it may */
  "TOO_MANY_TRIGGERS",
  "NO_POSITION",
] as const;
