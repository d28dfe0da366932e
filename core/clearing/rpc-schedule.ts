/**
 * The price list of broker-to-broker RPCs (seed 000, "B2B RPC costs"): every call is charged by
 * the broker that receives it to the broker that pays for it, at a per-call price plus per byte,
 * per database read and per database write, in the settlement stablecoin's base units.
 */

/** The six RPC kinds; the number is `RpcCounter.kind` in the app data (fixed: the contract mirrors it). */
export const RpcKind = {
  getOrderbookSnapshot: 0,
  pushOrderbookIncrement: 1,
  pushTradeEvent: 2,
  createRemoteOrder: 3,
  updateRemoteOrder: 4,
  notifyOrderUpdate: 5,
} as const;
export type RpcKind = (typeof RpcKind)[keyof typeof RpcKind];
/** How many RPC kinds there are (kinds are 0 .. RPC_KIND_COUNT − 1). */
export const RPC_KIND_COUNT = 6;

/**
 * Who pays, in seed 000's words. Both name the broker that sends the call: the requestor of a
 * snapshot pays for the reply it asked for, the initiator of a push or an order pays for what
 * the receiver stores.
 */
export type RpcPayerRole = "requestor" | "initiator";

/** Seed 000's row for a kind: who pays and the usual load of one call. */
export interface RpcProfile {
  kind: RpcKind;
  name: keyof typeof RpcKind;
  payer: RpcPayerRole;
  dbReads: bigint;
  dbWrites: bigint;
  /** the average message size, bytes */
  typicalBytes: bigint;
}

/** Seed 000's cost table, indexed by kind. */
export const RPC_PROFILES: readonly RpcProfile[] = Object.freeze([
  { kind: 0, name: "getOrderbookSnapshot", payer: "requestor", dbReads: 0n, dbWrites: 0n, typicalBytes: 10_000n },
  { kind: 1, name: "pushOrderbookIncrement", payer: "initiator", dbReads: 0n, dbWrites: 1n, typicalBytes: 100n },
  // Seed 000 leaves this payer open ("??"). The publisher pays: a public trade event does not
  // involve the receiver, which gains nothing from it but stores it (one DB write); the publisher
  // is the one who wants it spread, and if receivers paid, a broker could run up its peer's bill
  // by publishing.
  { kind: 2, name: "pushTradeEvent", payer: "initiator", dbReads: 0n, dbWrites: 1n, typicalBytes: 100n },
  { kind: 3, name: "createRemoteOrder", payer: "initiator", dbReads: 0n, dbWrites: 1n, typicalBytes: 100n },
  { kind: 4, name: "updateRemoteOrder", payer: "initiator", dbReads: 1n, dbWrites: 1n, typicalBytes: 100n },
  { kind: 5, name: "notifyOrderUpdate", payer: "initiator", dbReads: 0n, dbWrites: 1n, typicalBytes: 100n },
]);

/** Prices in the settlement stablecoin's base units (1e-6 USDC for a 6-decimal coin). */
export interface RpcPrices {
  perCall: bigint;
  perByte: bigint;
  perDbRead: bigint;
  perDbWrite: bigint;
}

/**
 * The published default schedule, for a 6-decimal stablecoin: $0.0001 a call, $1 per MB
 * ($0.000001 a byte), $0.00002 a read, $0.0001 a write. A snapshot of 10 kB costs $0.0101,
 * an order $0.0003.
 */
export const DEFAULT_RPC_PRICES: RpcPrices = Object.freeze({
  perCall: 100n,
  perByte: 1n,
  perDbRead: 20n,
  perDbWrite: 100n,
});

/** A metered load: how many calls and what they moved and touched. */
export interface RpcUsage {
  calls: bigint;
  bytes: bigint;
  dbReads: bigint;
  dbWrites: bigint;
}

/** The cost of a load at the prices: exact, integer prices times integer counts (no rounding). */
export function rpcCost(prices: RpcPrices, usage: RpcUsage): bigint {
  return (
    prices.perCall * usage.calls +
    prices.perByte * usage.bytes +
    prices.perDbRead * usage.dbReads +
    prices.perDbWrite * usage.dbWrites
  );
}

/** The cost of one typical call of a kind (seed 000's size and DB load) at the prices. */
export function typicalRpcCost(prices: RpcPrices, kind: RpcKind): bigint {
  const profile = RPC_PROFILES[kind]!;
  return rpcCost(prices, {
    calls: 1n,
    bytes: profile.typicalBytes,
    dbReads: profile.dbReads,
    dbWrites: profile.dbWrites,
  });
}
