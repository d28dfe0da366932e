import { z } from "zod";
import { tokenAmount } from "../../services/wire-units";

/** Pages go backwards in journal order: pass the previous page's nextBefore. */
export const pageInput = z.object({
  before: z.bigint().positive().optional(),
  limit: z.number().int().min(1).max(500).default(100),
});

/** One asset's balance in the exchange (whole tokens). */
export const balanceSchema = z.object({
  asset: z.string(),
  available: tokenAmount,
  locked: tokenAmount,
  total: tokenAmount,
});

/** An open perpetual position with its risk figures (whole tokens; prices per whole base token). */
export const positionSchema = z.object({
  market: z.string(),
  size: tokenAmount,
  entryPrice: tokenAmount,
  markPrice: tokenAmount.nullable(),
  liquidationPrice: tokenAmount.nullable(),
  unrealizedPnl: tokenAmount,
  realizedPnl: tokenAmount,
  marginRatioBps: z.bigint().nullable(),
});

/** A resting order: price per whole base token, remaining size. */
export const openOrderSchema = z.object({
  orderId: z.number().int(),
  market: z.string(),
  side: z.enum(["buy", "sell"]),
  price: tokenAmount,
  size: tokenAmount,
});

/** A pending trigger order: stop (market or limit once triggered), take-profit or stop-loss. */
export const triggerOrderSchema = z.object({
  orderId: z.number().int(),
  market: z.string(),
  type: z.enum(["stopMarket", "stopLimit", "takeProfit", "stopLoss"]),
  side: z.enum(["buy", "sell"]).nullable(),
  trigger: tokenAmount,
  price: tokenAmount.nullable(),
  size: tokenAmount.nullable(),
  reduceOnly: z.boolean(),
  status: z.literal("pending"),
});
