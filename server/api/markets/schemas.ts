/** The markets procedures answer the version-1 wire DTOs of server/services/market-wire.ts. */
export { bookSchema, candlesSchema, marketSchema, tradeSchema } from "../../services/market-wire";
