import { describe, expect, it } from "vitest";
import { RpcKind } from "../clearing";
import { readBody } from "./bodies";
import { canonicalJson, parseCanonicalJson, type CanonicalValue } from "./canonical";
import { order } from "./keys.test-util";

/** The body as it arrives: canonical JSON text parsed (bigints are decimal strings). */
const wire = (body: unknown) => parseCanonicalJson(canonicalJson(body as CanonicalValue));
const reason = (kind: RpcKind, body: unknown) => {
  const r = readBody(kind, body);
  return r.ok ? "ok" : r.reason;
};

describe("RPC bodies", () => {
  it("read back from the wire with bigints, for each of the six kinds", () => {
    const cases: [RpcKind, unknown][] = [
      [RpcKind.getOrderbookSnapshot, { type: "request", market: "ETH-USDC", depth: 20 }],
      [
        RpcKind.getOrderbookSnapshot,
        {
          type: "response",
          requestSeq: 4n,
          market: "ETH-USDC",
          bookSeq: 9n,
          bids: [
            { price: 2_000n, baseAmount: 5n },
            { price: 1_999n, baseAmount: 1n },
          ],
          asks: [{ price: 2_001n, baseAmount: 3n }],
        },
      ],
      [
        RpcKind.pushOrderbookIncrement,
        { market: "ETH-USDC", bookSeq: 10n, side: "sell", price: 2_001n, baseAmount: 0n },
      ],
      [
        RpcKind.pushTradeEvent,
        { market: "ETH-USDC", tradeId: "t-1", price: 2_000n, baseAmount: 1n, takerSide: "buy", executedAtMs: 5n },
      ],
      [RpcKind.createRemoteOrder, order("o-1")],
      [RpcKind.updateRemoteOrder, { orderId: "o-1", action: "cancel" }],
      [RpcKind.updateRemoteOrder, { orderId: "o-1", action: "amend", baseAmount: 1n, quoteLimit: 2n }],
      [RpcKind.notifyOrderUpdate, { orderId: "o-1", update: "accepted", remainingBase: 7n }],
      [
        RpcKind.notifyOrderUpdate,
        {
          orderId: "o-1",
          update: "fill",
          tradeId: "t-1",
          baseAmount: 1n,
          quoteAmount: 2n,
          remainingBase: 0n,
          stateVersion: 3n,
        },
      ],
    ];
    for (const [kind, body] of cases) expect(readBody(kind, wire(body))).toEqual({ ok: true, body });
  });

  it("refuses out-of-bound, unordered, unknown and non-canonical fields, naming the path", () => {
    const o = order("o-1");
    expect(reason(RpcKind.createRemoteOrder, { ...(wire(o) as object), baseAmount: "0" })).toMatch(/\$\.baseAmount/);
    expect(reason(RpcKind.createRemoteOrder, { ...(wire(o) as object), baseAmount: (1n << 256n).toString() })).toMatch(
      /baseAmount/,
    );
    expect(reason(RpcKind.createRemoteOrder, { ...o, quote: o.base })).toMatch(/same asset/);
    expect(reason(RpcKind.createRemoteOrder, { ...o, base: { ...o.base, token: o.base.token.toUpperCase() } })).toMatch(
      /lower-case/,
    );
    expect(reason(RpcKind.createRemoteOrder, { ...o, note: "hi" })).toMatch(/unknown field/);
    expect(reason(RpcKind.createRemoteOrder, { ...o, orderId: "x".repeat(65) })).toMatch(/orderId/);
    expect(reason(RpcKind.createRemoteOrder, { ...o, orderId: 'a"b' })).toMatch(/orderId/);
    const bids = [
      { price: 1n, baseAmount: 1n },
      { price: 2n, baseAmount: 1n },
    ];
    expect(
      reason(RpcKind.getOrderbookSnapshot, {
        type: "response",
        requestSeq: 1n,
        market: "M",
        bookSeq: 1n,
        bids,
        asks: [],
      }),
    ).toMatch(/descending/);
    expect(reason(RpcKind.getOrderbookSnapshot, { type: "request", market: "M", depth: 501 })).toMatch(/depth/);
    expect(reason(RpcKind.updateRemoteOrder, { orderId: "o", action: "cancel", baseAmount: 1n })).toMatch(
      /unknown field/,
    );
    expect(reason(RpcKind.notifyOrderUpdate, { orderId: "o", update: "fill", remainingBase: 0n })).toMatch(/missing/);
    expect(
      reason(RpcKind.pushOrderbookIncrement, { market: "M", bookSeq: "01", side: "buy", price: 1n, baseAmount: 0n }),
    ).toMatch(/bookSeq/);
  });
});
