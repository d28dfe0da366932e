/**
 * The engine's language: commands in, events out. Every amount is a bigint in integer base
 * units; prices are quote-asset base units per lot of the market (see docs/ENGINE.md).
 */
import type { ErrorDetails } from "../errors/index";
import type { MarketConfig, MarketParams } from "../market/config";
import type { EngineErrorCode } from "../market/rejection";

export type Side = "buy" | "sell";
export type TimeInForce = "GTC" | "IOC" | "FOK";
export type OrderKind = "limit" | "market" | "stopLimit" | "stopMarket";

/** Add a market (admin). */
export interface AddMarketCommand {
  type: "addMarket";
  config: MarketConfig;
}

/**
 * The parameters of a live market that `updateMarket` may change. Tick and lot size are NOT
 * among them: resting orders are keyed by tick (book levels) and counted in lots, so changing
 * either under a live book would re-price or re-size them (refused: MARKET_PARAM_IMMUTABLE).
 * Neither are symbol, kind, assets or the trigger source.
 */
export const UPDATABLE_MARKET_PARAMS = [
  "makerFeePips",
  "takerFeePips",
  "minNotionalQuote",
  "maxLeverage",
  "initialMarginBps",
  "maintenanceMarginBps",
  "liquidationFeePips",
  "fundingIntervalMs",
  "fundingCapPips",
  "markBandBps",
] as const satisfies readonly (keyof MarketParams)[];

export type UpdatableMarketParam = (typeof UPDATABLE_MARKET_PARAMS)[number];
/** Perpetual-only parameters (a spot market refuses them: PERP_ONLY). */
export const PERP_ONLY_MARKET_PARAMS: readonly UpdatableMarketParam[] = [
  "maxLeverage",
  "initialMarginBps",
  "maintenanceMarginBps",
  "liquidationFeePips",
  "fundingIntervalMs",
  "fundingCapPips",
  "markBandBps",
];
export type MarketParamsUpdate = Partial<Pick<MarketParams, UpdatableMarketParam>>;
export type UpdatableMarketParams = Pick<MarketParams, UpdatableMarketParam>;

/**
 * Change a live market's parameters (admin). The merged config must pass validateMarketConfig
 * as a whole. Spot: a higher fee rate tops up resting buy orders' locks (an order whose owner
 * cannot cover it is cancelled). Perpetuals: every account is then checked against maintenance
 * margin and liquidated by the usual waterfall.
 */
export interface UpdateMarketCommand {
  type: "updateMarket";
  market: string;
  params: MarketParamsUpdate;
}

/** Credit a confirmed deposit. */
export interface DepositCommand {
  type: "deposit";
  account: string;
  asset: string;
  amount: bigint;
}

/** Debit a withdrawal (refused if it would take unrealized profit or leave the account below initial margin). */
export interface WithdrawCommand {
  type: "withdraw";
  account: string;
  asset: string;
  amount: bigint;
}

/** Place an order. Every place command consumes the next order id, accepted or not. */
export interface PlaceCommand {
  type: "place";
  account: string;
  market: string;
  side: Side;
  kind: OrderKind;
  /** base-asset base units; a multiple of the lot size */
  sizeBase: bigint;
  /** limit and stopLimit: the limit price, on the tick grid */
  pricePerLot?: bigint;
  /** market and stopMarket: the worst acceptable price (slippage bound) */
  worstPricePerLot?: bigint;
  /** stopLimit and stopMarket: fires when the trigger price source crosses this */
  triggerPerLot?: bigint;
  /** limit orders; default GTC (market orders are always IOC) */
  tif?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  /** perpetuals: when this order first fills, set the position's take-profit / stop-loss */
  takeProfitPerLot?: bigint;
  stopLossPerLot?: bigint;
  clientOrderId?: string;
}

/** Cancel a resting order or a pending trigger. */
export interface CancelCommand {
  type: "cancel";
  account: string;
  orderId: number;
}

/** Change a resting order: a size decrease keeps priority, a price change or size increase loses it. */
export interface AmendCommand {
  type: "amend";
  account: string;
  orderId: number;
  pricePerLot?: bigint;
  /** the new remaining size */
  sizeBase?: bigint;
}

/** Set (or clear, with null) a perpetual position's take-profit and stop-loss, one cancelling the other. */
export interface SetTpSlCommand {
  type: "setTpSl";
  account: string;
  market: string;
  takeProfitPerLot: bigint | null;
  stopLossPerLot: bigint | null;
  /** slippage bound of the closing market order around the trigger price; default 500 bps */
  slippageBps?: bigint;
}

/** A new index price; the engine derives the bounded mark, fires triggers and liquidates. */
export interface MarkPriceCommand {
  type: "markPrice";
  market: string;
  indexPerLot: bigint;
}

/** Pay funding for one interval (refused before the interval has passed). */
export interface FundingTickCommand {
  type: "fundingTick";
  market: string;
  timeMs: number;
}

/** Liquidate every account below maintenance margin. */
export interface LiquidationCheckCommand {
  type: "liquidationCheck";
}

export type Command =
  | AddMarketCommand
  | UpdateMarketCommand
  | DepositCommand
  | WithdrawCommand
  | PlaceCommand
  | CancelCommand
  | AmendCommand
  | SetTpSlCommand
  | MarkPriceCommand
  | FundingTickCommand
  | LiquidationCheckCommand;

export type BalanceReason =
  | "deposit"
  | "withdraw"
  | "lock"
  | "unlock"
  | "trade"
  | "fee"
  | "funding"
  | "liquidationFee"
  | "insurance"
  | "adl"
  | "backstop";

export type DoneReason = "filled" | "cancelled" | "expired" | "selfTrade" | "reduceOnly" | "liquidation";

export type EngineEvent =
  | { type: "marketAdded"; market: string; kind: "spot" | "perp" }
  /** every updatable parameter before and after (changed ones differ) */
  | { type: "marketUpdated"; market: string; before: UpdatableMarketParams; after: UpdatableMarketParams }
  | {
      type: "rejected";
      command: Command["type"];
      orderId: number | null;
      account: string | null;
      code: EngineErrorCode;
      message: string;
      details: ErrorDetails;
    }
  | {
      type: "orderAccepted";
      orderId: number;
      account: string;
      market: string;
      side: Side;
      kind: OrderKind;
      pricePerLot: bigint | null;
      sizeBase: bigint;
      tif: TimeInForce;
      postOnly: boolean;
      reduceOnly: boolean;
      clientOrderId: string | null;
      origin: "user" | "trigger" | "liquidation";
    }
  | {
      type: "fill";
      market: string;
      pricePerLot: bigint;
      sizeBase: bigint;
      notionalQuote: bigint;
      takerSide: Side;
      makerOrderId: number;
      takerOrderId: number;
      maker: string;
      taker: string;
      /** positive = paid, negative = rebate received */
      makerFeeQuote: bigint;
      /** for a liquidation fill this is the liquidation fee paid to the insurance fund */
      takerFeeQuote: bigint;
      liquidation: boolean;
    }
  | {
      type: "orderDone";
      orderId: number;
      account: string;
      market: string;
      reason: DoneReason;
      remainingBase: bigint;
      filledBase: bigint;
    }
  | {
      type: "orderAmended";
      orderId: number;
      account: string;
      market: string;
      pricePerLot: bigint;
      sizeBase: bigint;
      keptPriority: boolean;
    }
  | {
      type: "balance";
      account: string;
      asset: string;
      deltaAvailable: bigint;
      deltaLocked: bigint;
      available: bigint;
      locked: bigint;
      reason: BalanceReason;
    }
  | {
      type: "position";
      account: string;
      market: string;
      sizeBase: bigint;
      entryQuote: bigint;
      realizedPnlQuote: bigint;
    }
  | { type: "markPrice"; market: string; indexPerLot: bigint; markPerLot: bigint }
  | { type: "funding"; market: string; timeMs: number; ratePips: bigint; markPerLot: bigint; indexPerLot: bigint }
  | { type: "fundingPayment"; market: string; account: string; amountQuote: bigint }
  | {
      type: "triggerAccepted";
      orderId: number;
      account: string;
      market: string;
      kind: "stop" | "takeProfit" | "stopLoss";
      triggerPerLot: bigint;
    }
  | {
      type: "triggered";
      orderId: number;
      account: string;
      market: string;
      kind: "stop" | "takeProfit" | "stopLoss";
      triggerPerLot: bigint;
      pricePerLot: bigint;
    }
  | {
      type: "triggerCancelled";
      orderId: number;
      account: string;
      market: string;
      reason: "cancelled" | "oco" | "positionClosed" | "replaced" | "liquidation";
    }
  | { type: "liquidationStarted"; account: string; asset: string; equityQuote: bigint; maintenanceQuote: bigint }
  | { type: "adl"; market: string; account: string; counterparty: string; sizeBase: bigint; pricePerLot: bigint }
  | {
      type: "insurance";
      asset: string;
      deltaQuote: bigint;
      balanceQuote: bigint;
      reason: "liquidationFee" | "bankruptcyCover" | "fundingDust";
      account: string | null;
    }
  | { type: "backstop"; asset: string; account: string; amountQuote: bigint }
  | { type: "liquidationFinished"; account: string; asset: string; equityQuote: bigint };
