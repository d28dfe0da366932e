/**
 * Transition rules between co-signed states, the same the custody contract enforces:
 * versions strictly increase, allocations are conserved per token except across a RESIZE,
 * a RESIZE directly follows its predecessor, nothing follows a CLOSE, only version 0 is
 * INITIALIZE.
 */
import type { Address } from "viem";
import { ClearlineError } from "../errors";
import { hashStateStructBytes } from "./hash";
import { Intent, INTENT_NAMES, type ChannelState } from "./types";

/** What is locked in a channel per token (the sum of both allocations). */
export interface FundingEntry {
  token: Address;
  total: bigint;
}

/** The funding a state's allocations add up to, in the state's token order. */
export function fundingOf(state: ChannelState): FundingEntry[] {
  return state.allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }));
}

/** Throws CHANNEL_STATE_INVALID if the state is malformed (same checks as the contract's hashing). */
export function validateState(state: ChannelState): void {
  hashStateStructBytes(state);
}

/** Throws CHANNEL_ALLOCATIONS_NOT_CONSERVED unless `state` allocates exactly `funding` (same tokens, order, totals). */
export function assertConserves(state: ChannelState, funding: readonly FundingEntry[]): void {
  const actual = fundingOf(state);
  const same =
    actual.length === funding.length &&
    actual.every(
      (entry, i) => entry.token.toLowerCase() === funding[i]!.token.toLowerCase() && entry.total === funding[i]!.total,
    );
  if (!same) {
    throw new ClearlineError(
      "CHANNEL_ALLOCATIONS_NOT_CONSERVED",
      `state v${state.version} does not allocate the channel's funding`,
      {
        channelId: state.channelId,
        version: state.version,
        expected: funding.map((f) => `${f.token}:${f.total}`).join(","),
        actual: actual.map((f) => `${f.token}:${f.total}`).join(","),
      },
    );
  }
}

/** Checks the state a channel is opened with: version 0, intent INITIALIZE, well formed. */
export function validateInitialState(state: ChannelState, expectedChannelId: string): void {
  validateState(state);
  if (state.channelId.toLowerCase() !== expectedChannelId.toLowerCase()) {
    throw new ClearlineError("CHANNEL_ID_MISMATCH", "initial state names another channel", {
      expected: expectedChannelId,
      channelId: state.channelId,
    });
  }
  if (state.version !== 0n || state.intent !== Intent.INITIALIZE) {
    throw new ClearlineError("CHANNEL_INTENT_INVALID", "the initial state must be version 0 with intent INITIALIZE", {
      version: state.version,
      intent: INTENT_NAMES[state.intent] ?? state.intent,
    });
  }
}

/** Throws a CHANNEL_* ClearlineError unless `next` may follow `previous`. */
export function validateTransition(previous: ChannelState, next: ChannelState): void {
  validateState(next);
  if (next.channelId.toLowerCase() !== previous.channelId.toLowerCase()) {
    throw new ClearlineError("CHANNEL_ID_MISMATCH", "states of different channels", {
      expected: previous.channelId,
      channelId: next.channelId,
    });
  }
  if (previous.intent === Intent.CLOSE) {
    throw new ClearlineError("CHANNEL_INTENT_INVALID", `v${previous.version} is final (CLOSE): nothing may follow`, {
      version: previous.version,
    });
  }
  if (next.version <= previous.version) {
    throw new ClearlineError("CHANNEL_VERSION_NOT_NEWER", `version ${next.version} is not above ${previous.version}`, {
      currentVersion: previous.version,
      proposedVersion: next.version,
    });
  }
  if (next.intent === Intent.INITIALIZE) {
    throw new ClearlineError("CHANNEL_INTENT_INVALID", "INITIALIZE is only for version 0", { version: next.version });
  }
  if (next.intent === Intent.RESIZE) {
    if (next.version !== previous.version + 1n) {
      throw new ClearlineError(
        "CHANNEL_VERSION_NOT_NEWER",
        `a RESIZE must directly follow its predecessor (v${previous.version} → v${next.version})`,
        {
          currentVersion: previous.version,
          proposedVersion: next.version,
        },
      );
    }
    return;
  }
  assertConserves(next, fundingOf(previous));
}

/** Per token, what each side adds to (positive) or takes out of (negative) the channel in a resize. */
export interface ResizeDelta {
  token: Address;
  traderDelta: bigint;
  exchangeDelta: bigint;
}

/** The resize's per-token deltas, merged over both states' sorted token lists (as Custody.resize). */
export function resizeDeltas(previous: ChannelState, next: ChannelState): ResizeDelta[] {
  const byToken = new Map<string, ResizeDelta>();
  for (const a of previous.allocations) {
    byToken.set(a.token.toLowerCase(), {
      token: a.token,
      traderDelta: -a.traderAmount,
      exchangeDelta: -a.exchangeAmount,
    });
  }
  for (const a of next.allocations) {
    const entry = byToken.get(a.token.toLowerCase()) ?? { token: a.token, traderDelta: 0n, exchangeDelta: 0n };
    entry.traderDelta += a.traderAmount;
    entry.exchangeDelta += a.exchangeAmount;
    byToken.set(a.token.toLowerCase(), entry);
  }
  return [...byToken.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, delta]) => delta);
}
