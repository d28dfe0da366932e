import { z } from "zod";

export const marketViewSchema = z.object({
  symbol: z.string(),
  kind: z.enum(["SPOT", "PERP"]),
  status: z.enum(["ACTIVE", "HALTED"]),
  base: z.object({ symbol: z.string(), decimals: z.number().int() }),
  quote: z.object({ symbol: z.string(), decimals: z.number().int() }),
  tickSize: z.bigint(),
  lotSize: z.bigint(),
  minNotional: z.bigint(),
  maxLeverage: z.number().int(),
  initialMarginBps: z.number().int(),
  maintenanceMarginBps: z.number().int(),
  makerFeePips: z.number().int(),
  takerFeePips: z.number().int(),
  fundingIntervalSec: z.number().int().nullable(),
  fundingCapPips: z.number().int().nullable(),
});

export const levels = z.array(z.tuple([z.bigint(), z.bigint()]));

export const tradeSchema = z.object({
  id: z.string(),
  seq: z.bigint(),
  market: z.string(),
  price: z.bigint(),
  size: z.bigint(),
  takerSide: z.enum(["buy", "sell"]),
  timeMs: z.bigint(),
});
