/** Reading markets for the app: parameters in integer base units, as bigint. */
// the shape is core's and the read the engine's (it syncs its markets from the table); re-exported for the services' callers
export type { MarketView } from "../../core/market/view";
export { listMarkets } from "../engine/market-table";
