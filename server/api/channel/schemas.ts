/** zod schemas shared by the channel procedures (inputs and outputs). */
import { getAddress, isAddress, type Address, type Hex } from "viem";
import { z } from "zod";
import { IDEMPOTENCY_KEY_PATTERN } from "../../services/idempotency";

export const addressSchema = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), { message: "not an address" })
  .transform((v) => getAddress(v) as Address);
export const hash32Schema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex")
  .transform((v) => v.toLowerCase() as Hex);
/** any hex: the strict 65-byte rules are checked by the service, so every malformed form gets the same error */
export const signatureSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]*$/, "must be 0x-prefixed hex")
  .max(2 + 2 * 1024)
  .transform((v) => v as Hex);
/** A token amount on chain: base units, at most uint256 (the custody contract's type). */
export const UINT256_MAX = (1n << 256n) - 1n;
export const amountSchema = z
  .bigint()
  .positive("must be positive (base units)")
  .max(UINT256_MAX, "at most 2^256 - 1 (uint256)");
export const versionSchema = z
  .bigint()
  .min(0n)
  .max((1n << 48n) - 1n);

const hex = z.custom<Hex>((v) => typeof v === "string" && v.startsWith("0x"));
const address = z.custom<Address>((v) => typeof v === "string" && v.startsWith("0x"));

export const stateSchema = z.object({
  channelId: hex,
  version: z.bigint(),
  intent: z.number().int(),
  allocations: z.array(z.object({ token: address, traderAmount: z.bigint(), exchangeAmount: z.bigint() })).readonly(),
  appDataHash: hex,
});

export const appDataSchema = z.object({
  journalSeq: z.bigint(),
  markTime: z.bigint(),
  fees: z.array(z.object({ token: address, paid: z.bigint() })).readonly(),
  positions: z
    .array(
      z.object({
        market: hex,
        sizeE8: z.bigint(),
        entryPriceE8: z.bigint(),
        markPriceE8: z.bigint(),
        collateral: address,
        unrealizedPnl: z.bigint(),
      }),
    )
    .readonly(),
});

export const storedStateSchema = z.object({
  state: stateSchema,
  appData: appDataSchema,
  stateHash: hex,
  exchangeSignature: hex,
  traderSignature: hex.nullable(),
  createdAt: z.date(),
});

/** The EIP-712 request a wallet signs (stateTypedData of core/channel). */
export const typedDataSchema = z.object({
  domain: z.object({ name: z.string(), version: z.string(), chainId: z.number(), verifyingContract: address }),
  types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() })).readonly()),
  primaryType: z.literal("State"),
  message: z.object({
    channelId: hex,
    version: z.number(),
    intent: z.number(),
    allocations: z.array(z.object({ token: address, traderAmount: z.bigint(), exchangeAmount: z.bigint() })).readonly(),
    appDataHash: hex,
  }),
});

export const pendingRequestSchema = z.object({
  channelId: hex,
  toSign: z.array(z.object({ state: stateSchema, exchangeSignature: hex, typedData: typedDataSchema })),
});

/** Optional on channel mutations (server/auth/call-memory.ts): a retry with it runs once. */
export const idempotencyKeyInput = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, "idempotencyKey: 8-64 letters, digits, _ . : -")
  .optional();
/** The input of a channel mutation that takes nothing but its optional key. */
export const keyOnlyInput = z.object({ idempotencyKey: idempotencyKeyInput }).optional();

export const channelIdInput = z.object({ channelId: hash32Schema.optional() }).optional();

/**
 * The last attempt to send the pending resize / close / checkpoint (server/channels/submissions.ts):
 * "retrying" = it failed for a passing reason (RPC down…), the service tries again at nextAttemptAt
 * by itself and the funds stay locked; "submitted"/"onChain" = on-chain, waiting for the watcher;
 * "refused"/"failed" = the contract refuses it for now / it can never apply — `lastError` and the
 * channel's alert say why.
 */
export const submissionSchema = z.object({
  op: z.enum(["RESIZE", "CLOSE", "CANCEL"]),
  version: z.bigint(),
  state: z.enum(["submitting", "submitted", "onChain", "retrying", "refused", "failed"]),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.date().nullable(),
  txHash: z.string().nullable(),
});
