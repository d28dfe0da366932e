/**
 * The clearing's automatic dispute decision from the brokers' logs (BROKERS.md "Disputes from
 * logs"): verify both logs, take the latest co-signed state, replay every later trade that
 * carries both the order (signed by its initiator) and the match (signed by the matcher) and is
 * held by both logs, net the result onto the state's liabilities with core/clearing's netting,
 * and publish a decision with its hash. Pure: the same inputs, in any log order, give the same
 * decision and hash.
 *
 * Later: a match is stamped with the version of the latest co-signed state when it matched; a
 * state of version v covers exactly the matches stamped below v, so the replay takes those
 * stamped v or above. Orders are followed in the matcher's log order (create, amend, cancel, then
 * its fills; the other log after it for what only that one holds): a fill beyond the order's
 * remaining size or its limit is not counted. When one log fails verification it is refused, its
 * owner is guilty, and the valid log alone is the evidence.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { bytesToHex } from "../channel/bytes";
import { verifyStateSignature } from "../channel/signature";
import type { ChannelDomain, ChannelState } from "../channel/types";
import {
  assetKey,
  compareAssets,
  hashB2BAppData,
  RpcKind,
  sameAddress,
  signedFlows,
  type AssetRef,
  type B2BAppData,
  type BrokerPair,
  type Fill,
  type Liability,
} from "../clearing";
import { ClearlineError } from "../errors";
import type { CreateRemoteOrder, NotifyOrderUpdate, UpdateRemoteOrder } from "./bodies";
import { canonicalBytes, type CanonicalValue } from "./canonical";
import { verifyLog, type B2BLog, type VerifiedEntry } from "./log";

/** What the clearing decides from: the channel, its latest co-signed state and both logs. */
export interface DisputeInput {
  /** the custody's EIP-712 domain the states are signed under */
  domain: ChannelDomain;
  pair: BrokerPair;
  state: ChannelState;
  /** both brokers' signatures over `state` */
  signatures: { a: Hex; b: Hex };
  /** the state's app data (its hash must be state.appDataHash) */
  appData: B2BAppData;
  /** both brokers' logs, in any order */
  logs: readonly B2BLog[];
  /** the broker that stopped co-signing (the one the dispute is against) */
  refusedBy: Address;
  /**
   * Which envelopes count: "eitherLog" (the default) any in a valid log — each envelope carries
   * its author's signature, so one log is enough proof, and truncating one's own log hides
   * nothing; "bothLogs" only those both valid logs hold, which a broker defeats by cutting its
   * own log short (see README).
   */
  evidence?: "bothLogs" | "eitherLog";
}

/** Why a logged match was not replayed. */
export type ExclusionReason =
  "MATCH_IN_ONE_LOG" | "ORDER_MISSING" | "ORDER_CLOSED" | "DUPLICATE_TRADE" | "EXCEEDS_ORDER" | "OUTSIDE_LIMIT";

/** The published decision; `trades` are `matcher:tradeId`, sorted. */
export interface DisputeDecision {
  channelId: Hex;
  fromVersion: bigint;
  trades: string[];
  /** net liabilities after the state plus the replayed trades, by asset */
  liabilities: Liability[];
  /** per asset, what the guilty broker owes beyond the co-signed state (its net debt increase) */
  shortfall: Liability[];
  guilty: Address | null;
  excluded: { trade: string; reason: ExclusionReason }[];
  /** owners of logs that failed verification, with the refusal */
  refusedLogs: { owner: Address; refusal: string }[];
}

function invalid(reason: string, message: string): never {
  throw new ClearlineError("INVALID_INPUT", message, { reason });
}

interface OrderTerms {
  body: CreateRemoteOrder;
  remaining: bigint;
  /** the base amount `quoteLimit` is stated for (the created size, or the amended one) */
  limitBase: bigint;
  quoteLimit: bigint;
  open: boolean;
}

/** What one replay pass found: trades to count and matches left out. */
interface Findings {
  fills: Map<string, Fill>;
  excluded: Map<string, ExclusionReason>;
  /** fills stamped before the state's version: already in it */
  covered: Set<string>;
}

/** Follows the orders `initiator` placed with `matcher` in `walk`'s order and judges each fill. */
function replayMatcher(
  walk: readonly VerifiedEntry[],
  inEvidence: (digest: Hex) => boolean,
  initiator: Address,
  matcher: Address,
  fromVersion: bigint,
  found: Findings,
): void {
  const orders = new Map<string, OrderTerms>();
  const seen = new Set<string>();
  for (const entry of walk) {
    const { envelope } = entry.accepted.signed;
    const digest = entry.accepted.digest;
    const fromInitiator = envelope.from === initiator && envelope.to === matcher;
    if (fromInitiator && envelope.kind === RpcKind.createRemoteOrder) {
      const body = envelope.body as CreateRemoteOrder;
      if (!orders.has(body.orderId) && inEvidence(digest))
        orders.set(body.orderId, {
          body,
          remaining: body.baseAmount,
          limitBase: body.baseAmount,
          quoteLimit: body.quoteLimit,
          open: true,
        });
    } else if (fromInitiator && envelope.kind === RpcKind.updateRemoteOrder && inEvidence(digest)) {
      const body = envelope.body as UpdateRemoteOrder;
      const order = orders.get(body.orderId);
      if (!order) continue;
      if (body.action === "cancel") order.open = false;
      else
        Object.assign(order, { remaining: body.baseAmount, limitBase: body.baseAmount, quoteLimit: body.quoteLimit });
    } else if (envelope.from === matcher && envelope.to === initiator && envelope.kind === RpcKind.notifyOrderUpdate) {
      const body = envelope.body as NotifyOrderUpdate;
      if (body.update !== "fill") continue;
      const id = `${matcher}:${body.tradeId}`;
      const decided = found.fills.has(id) || found.covered.has(id) || found.excluded.has(id);
      if (decided && !seen.has(id)) {
        // judged on an earlier walk: only keep this walk's order sizes in step
        seen.add(id);
        const order = orders.get(body.orderId);
        if (order && !found.excluded.has(id)) order.remaining -= body.baseAmount;
        continue;
      }
      const reason = judgeFill(orders.get(body.orderId), body, seen.has(id), inEvidence(digest));
      seen.add(id);
      if (reason) {
        if (!decided) found.excluded.set(id, reason);
        continue;
      }
      const order = orders.get(body.orderId)!;
      order.remaining -= body.baseAmount;
      if (body.stateVersion < fromVersion) {
        found.covered.add(id); // the co-signed state already holds it
        continue;
      }
      const buyer = order.body.side === "buy" ? initiator : matcher;
      found.fills.set(id, {
        buyer,
        seller: buyer === initiator ? matcher : initiator,
        base: order.body.base,
        quote: order.body.quote,
        baseAmount: body.baseAmount,
        quoteAmount: body.quoteAmount,
      });
    }
  }
}

function judgeFill(
  order: OrderTerms | undefined,
  fill: Extract<NotifyOrderUpdate, { update: "fill" }>,
  duplicate: boolean,
  evidenced: boolean,
): ExclusionReason | undefined {
  if (duplicate) return "DUPLICATE_TRADE";
  if (!evidenced) return "MATCH_IN_ONE_LOG";
  if (!order) return "ORDER_MISSING";
  if (!order.open) return "ORDER_CLOSED";
  if (fill.baseAmount > order.remaining) return "EXCEEDS_ORDER";
  // buy: quote / base ≤ quoteLimit / limitBase; sell: ≥ (cross-multiplied, exact)
  const paid = fill.quoteAmount * order.limitBase;
  const limit = order.quoteLimit * fill.baseAmount;
  if (order.body.side === "buy" ? paid > limit : paid < limit) return "OUTSIDE_LIMIT";
  return undefined;
}

/** Per asset, what A owes B (negative: B owes A) in the state's liabilities. */
function owedByA(
  pair: BrokerPair,
  liabilities: readonly Liability[],
): Map<string, { asset: AssetRef; owedByA: bigint }> {
  const map = new Map<string, { asset: AssetRef; owedByA: bigint }>();
  for (const l of liabilities) {
    const signed = sameAddress(l.debtor, pair.a) ? l.amount : -l.amount;
    const entry = map.get(assetKey(l));
    if (entry) entry.owedByA += signed;
    else map.set(assetKey(l), { asset: { chainId: l.chainId, token: l.token }, owedByA: signed });
  }
  return map;
}

function toLiabilities(pair: BrokerPair, flows: Map<string, { asset: AssetRef; owedByA: bigint }>): Liability[] {
  const out: Liability[] = [];
  for (const { asset, owedByA: owed } of flows.values())
    if (owed !== 0n) out.push({ ...asset, debtor: owed > 0n ? pair.a : pair.b, amount: owed > 0n ? owed : -owed });
  return out.sort(compareAssets);
}

/** Decides a dispute from both logs after the latest co-signed state; throws INVALID_INPUT on a bad state or logs. */
export function decideDispute(input: DisputeInput): DisputeDecision {
  const pair = { a: input.pair.a.toLowerCase() as Address, b: input.pair.b.toLowerCase() as Address };
  const { state } = input;
  if (
    !verifyStateSignature(input.domain, state, input.signatures.a, pair.a) ||
    !verifyStateSignature(input.domain, state, input.signatures.b, pair.b)
  )
    invalid("B2B_STATE_NOT_COSIGNED", `state ${state.channelId} v${state.version} is not signed by both brokers`);
  if (hashB2BAppData(input.appData) !== state.appDataHash)
    invalid("B2B_APP_DATA_MISMATCH", "the app data does not hash to the state's appDataHash");
  const logOf = (owner: Address) => input.logs.filter((l) => sameAddress(l.owner, owner));
  if (input.logs.length !== 2 || logOf(pair.a).length !== 1 || logOf(pair.b).length !== 1)
    invalid("B2B_DISPUTE_LOGS", "a dispute takes exactly one log of each broker");
  if (!sameAddress(input.refusedBy, pair.a) && !sameAddress(input.refusedBy, pair.b))
    invalid("B2B_DISPUTE_PARTY", "the broker refusing to sign is not in the channel");

  const verified = new Map<Address, VerifiedEntry[]>();
  const refusedLogs: DisputeDecision["refusedLogs"] = [];
  for (const owner of [pair.a, pair.b]) {
    const result = verifyLog(logOf(owner)[0]!);
    if (result.ok) verified.set(owner, result.entries);
    else refusedLogs.push({ owner, refusal: `${result.refusal} at ${result.at}` });
  }
  if (verified.size === 0) invalid("B2B_DISPUTE_LOGS", "neither log verifies");
  const digests = [...verified.values()].map((entries) => new Set(entries.map((e) => e.accepted.digest)));
  const inEvidence =
    (input.evidence ?? "eitherLog") === "eitherLog"
      ? (digest: Hex) => digests.some((set) => set.has(digest))
      : (digest: Hex) => digests.every((set) => set.has(digest));

  const found: Findings = { fills: new Map(), excluded: new Map(), covered: new Set() };
  // per matcher, its own log first (its order of events), then the other valid log for what only
  // that one holds (under bothLogs such a match is out: MATCH_IN_ONE_LOG)
  for (const [matcher, initiator] of [
    [pair.a, pair.b],
    [pair.b, pair.a],
  ] as const)
    for (const owner of [matcher, initiator]) {
      const walk = verified.get(owner);
      if (walk) replayMatcher(walk, inEvidence, initiator, matcher, state.version, found);
    }

  const trades = [...found.fills.keys()].sort();
  const before = owedByA(pair, input.appData.liabilities);
  const after = owedByA(pair, input.appData.liabilities);
  for (const [key, flow] of signedFlows(
    pair,
    trades.map((id) => found.fills.get(id)!),
  )) {
    const entry = after.get(key);
    if (entry) entry.owedByA += flow.owedByA;
    else after.set(key, flow);
  }
  const guilty = refusedLogs.length > 0 ? refusedLogs[0]!.owner : (input.refusedBy.toLowerCase() as Address);
  const shortfall: Liability[] = [];
  const sign = guilty === pair.a ? 1n : -1n;
  for (const [key, { asset, owedByA: owedAfter }] of after) {
    // the guilty's net debt in this asset after the replay, beyond what it owed in the state
    const debtAfter = sign * owedAfter;
    const debtBefore = sign * (before.get(key)?.owedByA ?? 0n);
    const owed = (debtAfter > 0n ? debtAfter : 0n) - (debtBefore > 0n ? debtBefore : 0n);
    if (owed > 0n) shortfall.push({ ...asset, debtor: guilty, amount: owed });
  }
  return {
    channelId: state.channelId,
    fromVersion: state.version,
    trades,
    liabilities: toLiabilities(pair, after),
    shortfall: shortfall.sort(compareAssets),
    guilty: shortfall.length > 0 || refusedLogs.length > 0 ? guilty : null,
    excluded: [...found.excluded]
      .map(([trade, reason]) => ({ trade, reason }))
      .sort((x, y) => (x.trade < y.trade ? -1 : x.trade > y.trade ? 1 : 0)),
    refusedLogs,
  };
}

/** keccak256 of the decision's canonical encoding: what the slash references on-chain. */
export function decisionHash(decision: DisputeDecision): Hex {
  // null has no canonical encoding: no guilty party is the absent field
  const encoded = { ...decision, guilty: decision.guilty ?? undefined };
  return bytesToHex(keccak_256(canonicalBytes(encoded as unknown as CanonicalValue)));
}
