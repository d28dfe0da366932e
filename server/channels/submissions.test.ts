import { describe, expect, it } from "vitest";
import type { Address, Hex } from "viem";
import { Intent, type ChannelState } from "../../core/channel";
import { fundingHashOf, type OnChainChannel } from "./chain";
import { judge, type PendingOp } from "./submission-verdict";

const USDC = "0x5fbdb2315678afecb367f032d93f642f64180aa3" as Address;
const ID = `0x${"ab".repeat(32)}` as Hex;

function state(version: bigint, intent: Intent, traderAmount: bigint, exchangeAmount: bigint): ChannelState {
  return {
    channelId: ID,
    version,
    intent,
    allocations: [{ token: USDC, traderAmount, exchangeAmount }],
    appDataHash: `0x${"00".repeat(32)}`,
  };
}

const funding = (total: bigint) => fundingHashOf([{ token: USDC, total }]);
const chain = (o: Partial<OnChainChannel>): OnChainChannel => ({
  status: "ACTIVE",
  version: 4n,
  challengeDeadline: 0n,
  fundingHash: funding(3000n),
  chainTime: 1_000n,
  ...o,
});

// a withdrawal of 100 from a channel funded with 3000: predecessor v4 (3000), RESIZE v5 (2900)
const before = state(4n, Intent.OPERATE, 1000n, 2000n);
const resize = state(5n, Intent.RESIZE, 900n, 2000n);
// a close at v5 on funding 3000
const close = state(5n, Intent.CLOSE, 1000n, 2000n);
// a cancelled withdrawal: RESIZE v5 (2900) replaced by OPERATE v6 on the old funding (3000)
const replacement = state(6n, Intent.OPERATE, 1000n, 2000n);

describe("judge: what a pending submission can do, given the channel on-chain", () => {
  it.each<[string, PendingOp, ChannelState | null, ChannelState, OnChainChannel, string]>([
    ["resize on the predecessor's funding", "RESIZE", before, resize, chain({}), "submit"],
    [
      "resize already registered (watcher lagging)",
      "RESIZE",
      before,
      resize,
      chain({ version: 5n, fundingHash: funding(2900n) }),
      "onChain",
    ],
    [
      "resize past: a newer version registered",
      "RESIZE",
      before,
      resize,
      chain({ version: 7n, fundingHash: funding(2900n) }),
      "onChain",
    ],
    [
      "resize while a challenge runs (resize answers it)",
      "RESIZE",
      before,
      resize,
      chain({ status: "CHALLENGED", version: 4n, challengeDeadline: 2_000n }),
      "submit",
    ],
    [
      "resize after the challenge expired",
      "RESIZE",
      before,
      resize,
      chain({ status: "CHALLENGED", version: 4n, challengeDeadline: 1_000n }),
      "failed",
    ],
    [
      "resize on a concluded channel",
      "RESIZE",
      before,
      resize,
      chain({ status: "CLOSED", version: 3n, fundingHash: `0x${"00".repeat(32)}` }),
      "failed",
    ],
    ["resize on other funding", "RESIZE", before, resize, chain({ fundingHash: funding(5000n) }), "refused"],
    [
      "resize on a channel the contract does not know",
      "RESIZE",
      before,
      resize,
      chain({ status: "NONE", version: 0n }),
      "refused",
    ],
    ["close on its funding", "CLOSE", null, close, chain({}), "submit"],
    [
      "close already mined",
      "CLOSE",
      null,
      close,
      chain({ status: "CLOSED", version: 5n, fundingHash: `0x${"00".repeat(32)}` }),
      "onChain",
    ],
    [
      "close during a running challenge",
      "CLOSE",
      null,
      close,
      chain({ status: "CHALLENGED", challengeDeadline: 1_001n }),
      "submit",
    ],
    ["checkpoint of a cancel's replacement", "CANCEL", resize, replacement, chain({}), "submit"],
    [
      "checkpoint while challenged: the watchtower answers",
      "CANCEL",
      resize,
      replacement,
      chain({ status: "CHALLENGED", challengeDeadline: 2_000n }),
      "wait",
    ],
    [
      "checkpoint after the cancelled RESIZE was mined",
      "CANCEL",
      resize,
      replacement,
      chain({ version: 5n, fundingHash: funding(2900n) }),
      "onChain",
    ],
    ["checkpoint already registered", "CANCEL", resize, replacement, chain({ version: 6n }), "onChain"],
  ])("%s → %s", (_name, op, previous, next, onChain, kind) => {
    const verdict = judge(op, next.version, previous, next, onChain);
    expect(verdict.kind).toBe(kind);
    if (verdict.kind !== "submit") expect(verdict.reason.length).toBeGreaterThan(10);
  });

  it("a failed verdict names the version the chain closed at", () => {
    const verdict = judge("RESIZE", 5n, before, resize, chain({ status: "CLOSED", version: 3n }));
    expect(verdict).toEqual({ kind: "failed", reason: expect.stringContaining("closed on-chain at v3") });
  });
});
