/** Error codes of the exchange engine (core/market, core/risk, core/fees). */
export const ENGINE_ERROR_CODES = ["MARKET_NOT_FOUND"] as const;
