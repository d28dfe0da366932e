import { describe, expect, test } from "vitest";
import { activityToast } from "./activity-toasts";
import type { Activity } from "./market";

const usdc = (value: string) => ({ value, symbol: "USDC" });
const weth = (value: string) => ({ value, symbol: "WETH" });
const triggered = (orderId: number): Activity => ({
  kind: "triggered",
  market: "ETH-PERP",
  orderId,
  triggerKind: "stop",
  trigger: usdc("3150"),
  price: usdc("3151"),
});

describe("every trigger outcome is toasted once; the trader's own refusals and cancels are not repeated", () => {
  test("fired, then expired unfilled", () => {
    const fired = new Set<number>();
    expect(activityToast(triggered(7), undefined, fired)).toMatchObject({
      kind: "info",
      title: "Stop order triggered on ETH-PERP",
    });
    const done: Activity = {
      kind: "orderDone",
      market: "ETH-PERP",
      orderId: 7,
      reason: "expired",
      filled: weth("0"),
      remaining: weth("0.1"),
    };
    expect(activityToast(done, undefined, fired)).toMatchObject({
      kind: "warn",
      title: "Triggered order expired unfilled on ETH-PERP",
    });
    // said once
    expect(activityToast(done, undefined, fired)).toBeNull();
  });

  test("fired, then partly filled before expiring", () => {
    const fired = new Set<number>();
    activityToast(triggered(8), undefined, fired);
    expect(
      activityToast(
        {
          kind: "orderDone",
          market: "ETH-PERP",
          orderId: 8,
          reason: "expired",
          filled: weth("0.05"),
          remaining: weth("0.05"),
        },
        undefined,
        fired,
      ),
    ).toMatchObject({ title: "Triggered order partly filled on ETH-PERP" });
  });

  test("fired, then refused by the engine: an error toast; a refusal of the trader's own order: none", () => {
    const fired = new Set<number>();
    activityToast(triggered(9), undefined, fired);
    const refusal = (orderId: number): Activity => ({
      kind: "rejected",
      orderId,
      command: "place",
      code: "INSUFFICIENT_MARGIN",
      message: "This order needs 10 USDC of margin, fee and price gap; your account value is 5 USDC.",
    });
    expect(activityToast(refusal(9), undefined, fired)).toMatchObject({
      kind: "error",
      title: "Triggered order refused",
    });
    expect(activityToast(refusal(10), undefined, fired)).toBeNull();
  });

  test.each([
    ["oco", "info"],
    ["positionClosed", "info"],
    ["liquidation", "warn"],
    ["cancelled", null],
    ["replaced", null],
  ] as const)("a trigger removed (%s): %s", (reason, kind) => {
    const t = activityToast({ kind: "triggerCancelled", market: "ETH-PERP", orderId: 3, reason }, undefined, new Set());
    if (kind === null) expect(t).toBeNull();
    else expect(t?.kind).toBe(kind);
  });

  test("an order that was not a trigger's ends without a toast here (the form or the fill said it)", () => {
    expect(
      activityToast(
        {
          kind: "orderDone",
          market: "ETH-PERP",
          orderId: 11,
          reason: "cancelled",
          filled: weth("0"),
          remaining: weth("1"),
        },
        undefined,
        new Set(),
      ),
    ).toBeNull();
  });
});
