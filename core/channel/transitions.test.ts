import { describe, expect, it } from "vitest";
import { resizeDeltas, validateInitialState, validateTransition } from "./transitions";
import { Intent, type ChannelState } from "./types";

const USDC = "0x00000000000000000000000000000000000000aa" as const;
const WETH = "0x00000000000000000000000000000000000000bb" as const;
const ID = `0x${"11".repeat(32)}` as const;
const s = (
  version: bigint,
  intent: ChannelState["intent"],
  allocations: ChannelState["allocations"],
): ChannelState => ({
  channelId: ID,
  version,
  intent,
  allocations,
  appDataHash: `0x${"00".repeat(32)}`,
});
const v1 = s(1n, Intent.OPERATE, [{ token: USDC, traderAmount: 100n, exchangeAmount: 50n }]);

describe("validateTransition", () => {
  it.each([
    [
      "a newer OPERATE moving value between sides",
      s(2n, Intent.OPERATE, [{ token: USDC, traderAmount: 130n, exchangeAmount: 20n }]),
    ],
    ["a version jump", s(9n, Intent.OPERATE, [{ token: USDC, traderAmount: 0n, exchangeAmount: 150n }])],
    ["a CLOSE", s(2n, Intent.CLOSE, [{ token: USDC, traderAmount: 150n, exchangeAmount: 0n }])],
    [
      "a RESIZE adding an asset",
      s(2n, Intent.RESIZE, [
        { token: USDC, traderAmount: 60n, exchangeAmount: 50n },
        { token: WETH, traderAmount: 5n, exchangeAmount: 0n },
      ]),
    ],
  ])("accepts %s", (_name, next) => {
    expect(() => validateTransition(v1, next)).not.toThrow();
  });

  it.each([
    ["the same version", s(1n, Intent.OPERATE, v1.allocations), "CHANNEL_VERSION_NOT_NEWER"],
    ["an older version", s(0n, Intent.OPERATE, v1.allocations), "CHANNEL_VERSION_NOT_NEWER"],
    [
      "value created",
      s(2n, Intent.OPERATE, [{ token: USDC, traderAmount: 101n, exchangeAmount: 50n }]),
      "CHANNEL_ALLOCATIONS_NOT_CONSERVED",
    ],
    [
      "an asset added without RESIZE",
      s(2n, Intent.OPERATE, [
        { token: USDC, traderAmount: 100n, exchangeAmount: 50n },
        { token: WETH, traderAmount: 0n, exchangeAmount: 0n },
      ]),
      "CHANNEL_ALLOCATIONS_NOT_CONSERVED",
    ],
    ["INITIALIZE after version 0", s(2n, Intent.INITIALIZE, v1.allocations), "CHANNEL_INTENT_INVALID"],
    ["a RESIZE skipping versions", s(3n, Intent.RESIZE, v1.allocations), "CHANNEL_VERSION_NOT_NEWER"],
    [
      "another channel",
      { ...s(2n, Intent.OPERATE, v1.allocations), channelId: `0x${"22".repeat(32)}` as const },
      "CHANNEL_ID_MISMATCH",
    ],
  ])("rejects %s", (_name, next, code) => {
    expect(() => validateTransition(v1, next)).toThrow(expect.objectContaining({ code }));
  });

  it("rejects anything after a CLOSE", () => {
    const closed = s(2n, Intent.CLOSE, v1.allocations);
    expect(() => validateTransition(closed, s(3n, Intent.OPERATE, v1.allocations))).toThrow(
      expect.objectContaining({ code: "CHANNEL_INTENT_INVALID" }),
    );
  });
});

describe("validateInitialState", () => {
  it("wants version 0, INITIALIZE and the expected channel", () => {
    expect(() => validateInitialState(s(0n, Intent.INITIALIZE, v1.allocations), ID)).not.toThrow();
    expect(() => validateInitialState(s(1n, Intent.INITIALIZE, v1.allocations), ID)).toThrow(
      expect.objectContaining({ code: "CHANNEL_INTENT_INVALID" }),
    );
    expect(() => validateInitialState(s(0n, Intent.INITIALIZE, v1.allocations), `0x${"22".repeat(32)}`)).toThrow(
      expect.objectContaining({ code: "CHANNEL_ID_MISMATCH" }),
    );
  });
});

describe("resizeDeltas", () => {
  it("merges both token lists like Custody.resize", () => {
    const next = s(2n, Intent.RESIZE, [{ token: WETH, traderAmount: 5n, exchangeAmount: 1n }]);
    expect(resizeDeltas(v1, next)).toEqual([
      { token: USDC, traderDelta: -100n, exchangeDelta: -50n },
      { token: WETH, traderDelta: 5n, exchangeDelta: 1n },
    ]);
  });
});
