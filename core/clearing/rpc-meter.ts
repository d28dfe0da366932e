/**
 * The RPC meters of a channel: one counter per (payer, kind), advanced call by call, carried in
 * the app data (RpcCounter), and the fee totals each broker owes the other.
 */
import type { Address } from "viem";
import type { RpcCounter } from "./app-data-types";
import { assertUint, clearingInputError } from "./errors";
import { RPC_PROFILES, rpcCost, type RpcKind, type RpcPrices } from "./rpc-schedule";
import { sameAddress } from "./types";

/** One call between the brokers: `from` sends it and pays (requestor or initiator), `to` receives and charges. */
export interface RpcCall {
  kind: RpcKind;
  from: Address;
  to: Address;
  bytes: bigint;
  /** the database load; the kind's seed-000 profile when omitted */
  dbReads?: bigint;
  dbWrites?: bigint;
}

/** The broker a call is charged to: its sender, for every kind (see RpcPayerRole). */
export function rpcPayer(call: RpcCall): Address {
  return call.from;
}

const compareCounters = (x: RpcCounter, y: RpcCounter) => {
  const px = x.payer.toLowerCase();
  const py = y.payer.toLowerCase();
  return px < py ? -1 : px > py ? 1 : x.kind - y.kind;
};

/** The counters after one more call: a new array in canonical order (payer, then kind); the input is not changed. */
export function recordRpcCall(counters: readonly RpcCounter[], call: RpcCall, prices: RpcPrices): RpcCounter[] {
  const profile = RPC_PROFILES[call.kind];
  if (!profile || !Number.isInteger(call.kind))
    throw clearingInputError("CLEARING_OUT_OF_RANGE", "unknown RPC kind", { kind: call.kind });
  if (sameAddress(call.from, call.to))
    throw clearingInputError("CLEARING_SAME_BROKER", "an RPC goes from one broker to the other", { broker: call.from });
  const dbReads = call.dbReads ?? profile.dbReads;
  const dbWrites = call.dbWrites ?? profile.dbWrites;
  assertUint("bytes", call.bytes, 64);
  assertUint("dbReads", dbReads, 64);
  assertUint("dbWrites", dbWrites, 64);
  const payer = rpcPayer(call);
  const fee = rpcCost(prices, { calls: 1n, bytes: call.bytes, dbReads, dbWrites });
  const index = counters.findIndex((c) => c.kind === call.kind && sameAddress(c.payer, payer));
  const before: RpcCounter = counters[index] ?? {
    payer,
    kind: call.kind,
    calls: 0n,
    bytesTotal: 0n,
    dbReads: 0n,
    dbWrites: 0n,
    feeAmount: 0n,
  };
  const after: RpcCounter = {
    payer: before.payer,
    kind: before.kind,
    calls: before.calls + 1n,
    bytesTotal: before.bytesTotal + call.bytes,
    dbReads: before.dbReads + dbReads,
    dbWrites: before.dbWrites + dbWrites,
    feeAmount: before.feeAmount + fee,
  };
  for (const field of ["calls", "bytesTotal", "dbReads", "dbWrites"] as const) assertUint(field, after[field], 64);
  assertUint("feeAmount", after.feeAmount, 256);
  const next = index < 0 ? [...counters, after] : counters.map((c, i) => (i === index ? after : c));
  return next.sort(compareCounters);
}

/** Fee total per payer (settlement stablecoin base units), in payer order. */
export function rpcFeeTotals(counters: readonly RpcCounter[]): { payer: Address; feeAmount: bigint; calls: bigint }[] {
  const totals: { payer: Address; feeAmount: bigint; calls: bigint }[] = [];
  for (const c of [...counters].sort(compareCounters)) {
    const last = totals[totals.length - 1];
    if (last && sameAddress(last.payer, c.payer)) {
      last.feeAmount += c.feeAmount;
      last.calls += c.calls;
    } else totals.push({ payer: c.payer, feeAmount: c.feeAmount, calls: c.calls });
  }
  return totals;
}

/** The fee total of one payer, 0 when it made no call. */
export function rpcFeesOf(counters: readonly RpcCounter[], payer: Address): bigint {
  return counters.reduce((sum, c) => (sameAddress(c.payer, payer) ? sum + c.feeAmount : sum), 0n);
}
