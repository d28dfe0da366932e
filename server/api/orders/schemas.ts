/**
 * Wire units for order entry (docs/ENGINE-RUNTIME.md "Units on the wire"): amounts are bigint integer
 * base units (superjson carries bigint); prices are quote-asset base units per WHOLE base token
 * (ETH at 3000 USDC = 3_000_000_000n); sizes are base-asset base units.
 */
import { z } from "zod";
import { IDEMPOTENCY_KEY_PATTERN } from "../../services/idempotency";

export const idempotencyKey = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, "idempotencyKey: 8-64 letters, digits, _ . : -");
export const marketSymbol = z.string().min(1).max(32);
/**
 * The first bound on every amount and price: nothing on this API exceeds uint256. Each market
 * then bounds its own (server/services/orders.ts, marketBounds), before the engine or the journal.
 */
export const UINT256_MAX = (1n << 256n) - 1n;
export const positiveAmount = z.bigint().positive().max(UINT256_MAX, "at most 2^256 - 1");
export const price = z.bigint().positive().max(UINT256_MAX, "at most 2^256 - 1");
export const orderId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Outputs: version-1 DTOs in whole-token amounts with their symbol (server/services/order-wire.ts). */
export { cancelResultSchema, orderResultSchema, tpSlResultSchema } from "../../services/order-wire";
