import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_RPC_PRICES, RPC_PROFILES, RpcKind, rpcCost, rpcFeesOf, type RpcCounter } from "../clearing";
import { A, B, order } from "./keys.test-util";
import { admitCall, compareMeters, fullBucket, meterAll, meterEnvelope, takeCall, type PeerPolicy } from "./metering";
import { conversation } from "./session.test-util";

function traffic() {
  const { send } = conversation();
  return [
    send(A, B, RpcKind.getOrderbookSnapshot, { type: "request", market: "ETH-USDC", depth: 50 }),
    send(B, A, RpcKind.getOrderbookSnapshot, {
      type: "response",
      requestSeq: 1n,
      market: "ETH-USDC",
      bookSeq: 7n,
      bids: [{ price: 2_000_000_000n, baseAmount: 10n ** 18n }],
      asks: [{ price: 2_001_000_000n, baseAmount: 2n * 10n ** 18n }],
    }),
    send(B, A, RpcKind.pushOrderbookIncrement, {
      market: "ETH-USDC",
      bookSeq: 8n,
      side: "buy",
      price: 2_000_000_000n,
      baseAmount: 0n,
    }),
    send(B, A, RpcKind.pushTradeEvent, {
      market: "ETH-USDC",
      tradeId: "t-0",
      price: 2_000_000_000n,
      baseAmount: 10n ** 17n,
      takerSide: "sell",
      executedAtMs: 1n,
    }),
    send(A, B, RpcKind.createRemoteOrder, order("o-1")),
    send(A, B, RpcKind.updateRemoteOrder, { orderId: "o-1", action: "amend", baseAmount: 10n ** 16n, quoteLimit: 1n }),
    send(A, B, RpcKind.updateRemoteOrder, { orderId: "o-1", action: "cancel" }),
    send(B, A, RpcKind.notifyOrderUpdate, { orderId: "o-1", update: "cancelled", remainingBase: 0n }),
  ].map((m) => m.accepted);
}

const feeOf = (kind: number, bytes: number) => {
  const p = RPC_PROFILES[kind]!;
  return rpcCost(DEFAULT_RPC_PRICES, { calls: 1n, bytes: BigInt(bytes), dbReads: p.dbReads, dbWrites: p.dbWrites });
};

describe("metering", () => {
  it("charges each call to its payer at core/clearing's schedule; a snapshot is charged to the requestor on its answer", () => {
    const accepted = traffic();
    const counters = meterAll(accepted, DEFAULT_RPC_PRICES);
    const [request, response, increment, trade, create, amend, cancel, notify] = accepted;
    expect(meterEnvelope([], request!.signed, request!.bodyBytes, DEFAULT_RPC_PRICES)).toEqual([]);
    const expectedA =
      feeOf(0, response!.bodyBytes) +
      feeOf(3, create!.bodyBytes) +
      feeOf(4, amend!.bodyBytes) +
      feeOf(4, cancel!.bodyBytes);
    const expectedB = feeOf(1, increment!.bodyBytes) + feeOf(2, trade!.bodyBytes) + feeOf(5, notify!.bodyBytes);
    expect(rpcFeesOf(counters, A.address)).toBe(expectedA);
    expect(rpcFeesOf(counters, B.address)).toBe(expectedB);
    const update = counters.find((c) => c.payer === A.address && c.kind === RpcKind.updateRemoteOrder)!;
    expect(update).toMatchObject({ calls: 2n, dbReads: 2n, dbWrites: 2n });
    expect(update.bytesTotal).toBe(BigInt(amend!.bodyBytes + cancel!.bodyBytes));
    const snapshot = counters.find((c) => c.kind === RpcKind.getOrderbookSnapshot)!;
    expect(snapshot).toMatchObject({ payer: A.address, calls: 1n, bytesTotal: BigInt(response!.bodyBytes) });
  });

  it("the rate cap admits the burst, refuses the next call and refills with time", () => {
    const cap = { callsPerSecond: 5n, burst: 3n };
    let bucket = fullBucket(cap, 0n);
    for (let i = 0; i < 3; i++) {
      const r = takeCall(bucket, cap, 0n);
      expect(r.ok).toBe(true);
      bucket = r.bucket;
    }
    expect(takeCall(bucket, cap, 0n).ok).toBe(false);
    expect(takeCall(bucket, cap, 199n).ok).toBe(false); // 0.995 calls refilled
    const refilled = takeCall(bucket, cap, 200n);
    expect(refilled.ok).toBe(true);
    expect(takeCall(refilled.bucket, cap, 200n).ok).toBe(false);
    // a long pause refills only up to the burst; a clock that went back refills nothing
    let later = takeCall(bucket, cap, 1_000_000n).bucket;
    expect(later.milliTokens).toBe(2_000n);
    later = takeCall(later, cap, 5n).bucket;
    expect(later).toEqual({ milliTokens: 1_000n, atMs: 1_000_000n });
  });

  it("over any call times, admitted calls never exceed burst + rate × elapsed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 60 }),
        (rate, burst, gaps) => {
          const cap = { callsPerSecond: BigInt(rate), burst: BigInt(burst) };
          let bucket = fullBucket(cap, 0n);
          let now = 0n;
          let admitted = 0n;
          for (const gap of gaps) {
            now += BigInt(gap);
            const r = takeCall(bucket, cap, now);
            bucket = r.bucket;
            if (r.ok) admitted++;
          }
          expect(admitted * 1000n).toBeLessThanOrEqual(cap.burst * 1000n + now * cap.callsPerSecond);
        },
      ),
    );
  });

  it("refuses a payer at its unpaid-fee cap until it settles", () => {
    const counters = meterAll(traffic(), DEFAULT_RPC_PRICES);
    const owed = rpcFeesOf(counters, A.address);
    const policy: PeerPolicy = { rate: { callsPerSecond: 10n, burst: 10n }, maxUnpaidFees: owed };
    const bucket = fullBucket(policy.rate, 0n);
    const refused = admitCall(bucket, policy, counters, A.address, 0n, 0n);
    expect(refused).toMatchObject({ ok: false, refusal: "UNPAID_FEES_CAP" });
    expect(refused.bucket).toEqual(bucket); // no token used
    expect(admitCall(bucket, policy, counters, A.address, 1n, 0n).ok).toBe(true);
    const drained = { milliTokens: 0n, atMs: 0n };
    expect(admitCall(drained, policy, counters, A.address, owed, 0n)).toMatchObject({ refusal: "RATE_LIMITED" });
  });

  it("counters within the tolerance agree; counts inflated by the receiver beyond it are a dispute", () => {
    const honest = meterAll(traffic(), DEFAULT_RPC_PRICES);
    const tolerance = { calls: 1n, feeAmount: 500n };
    expect(compareMeters(honest, honest, tolerance)).toEqual({ verdict: "agree" });
    const inflate = (by: bigint): RpcCounter[] =>
      honest.map((c) =>
        c.payer === A.address && c.kind === RpcKind.createRemoteOrder
          ? { ...c, calls: c.calls + by, feeAmount: c.feeAmount + by * 300n }
          : c,
      );
    // one call in flight: within tolerance
    expect(compareMeters(honest, inflate(1n), tolerance)).toEqual({ verdict: "agree" });
    const result = compareMeters(honest, inflate(5n), tolerance);
    expect(result.verdict).toBe("dispute");
    if (result.verdict !== "dispute") return;
    expect(result.disagreements).toHaveLength(1);
    expect(result.disagreements[0]).toMatchObject({ payer: A.address, kind: RpcKind.createRemoteOrder });
    expect(result.disagreements[0]!.theirs!.calls - result.disagreements[0]!.mine!.calls).toBe(5n);
    // a counter only one side has is compared with zero
    const extra: RpcCounter = {
      ...honest[0]!,
      kind: RpcKind.notifyOrderUpdate,
      payer: A.address,
      calls: 9n,
      feeAmount: 9_000n,
    };
    expect(compareMeters(honest, [...honest, extra], tolerance).verdict).toBe("dispute");
  });
});
