/** Opening a channel: the INITIALIZE state with the exchange's coverage, signed and stored for the trader's depositAndOpen. */
import { getAddress, type Address } from "viem";
import {
  bytesToHex,
  channelId as computeChannelId,
  hashTraderAppData,
  Intent,
  stateTypedData,
  type ChannelState,
  type TraderAppData,
} from "../../core/channel";
import { ClearlineError } from "../../core/errors";
import { BPS, type ChannelContext } from "./context";
import { boundedCoverage } from "./opening-policy";
import { releaseIfExpired } from "./opening-release";
import { fundingColumns, reservedByOpenings, reservedForOpening, stateRowData } from "./repository";
import type { OpenInstructions } from "./types";

/** Builds, signs and stores the INITIALIZE state of a new channel for `trader`. */
export async function prepareOpen(
  ctx: ChannelContext,
  trader: Address,
  deposits: readonly { token: Address; amount: bigint }[],
): Promise<OpenInstructions> {
  const traderAddress = getAddress(trader);
  if (deposits.length === 0)
    throw new ClearlineError("INVALID_INPUT", "deposits: deposit at least one token", { field: "deposits" });
  const amounts = new Map<string, bigint>();
  for (const [i, d] of deposits.entries()) {
    if (!ctx.holds(d.token)) {
      const held = ctx.deps.assets.map((a) => a.symbol).join(", ");
      throw new ClearlineError(
        "INVALID_INPUT",
        `deposits.${i}.token: ${d.token} is not a channel token (channels hold ${held})`,
        { field: `deposits.${i}.token`, token: d.token },
      );
    }
    if (d.amount <= 0n)
      throw new ClearlineError("INVALID_INPUT", `deposits.${i}.amount: must be positive`, {
        field: `deposits.${i}.amount`,
        amount: d.amount,
      });
    const key = d.token.toLowerCase();
    if (amounts.has(key))
      throw new ClearlineError("INVALID_INPUT", `deposits.${i}.token: ${d.token} listed twice`, {
        field: `deposits.${i}.token`,
        token: d.token,
      });
    amounts.set(key, d.amount);
  }
  // the exchange's free custody balance is read, promised and stored under the process's coverage lock (coverage-lock.ts)
  return ctx.coverageLock.run(() => prepareOpenLocked(ctx, traderAddress, amounts));
}

async function prepareOpenLocked(
  ctx: ChannelContext,
  traderAddress: Address,
  amounts: Map<string, bigint>,
): Promise<OpenInstructions> {
  const { db, deps } = ctx;
  const existing = await db.channel.findFirst({
    where: { trader: traderAddress, status: { not: "CLOSED" } },
  });
  // an opening of theirs nobody funded before it expired is released (CLOSED); any other channel is in the way
  if (existing && !(await releaseIfExpired(ctx, existing))) {
    throw new ClearlineError("CONFLICT", `channel ${existing.id} is ${existing.status}: one open channel per trader`, {
      channelId: existing.id,
      status: existing.status,
    });
  }
  const now = new Date(ctx.clock());
  const allocations = [];
  for (const token of [...amounts.keys()].sort()) {
    const traderAmount = amounts.get(token)!;
    // coverage policy: coverageBps of the deposit, rounded down, bounded per opening and for all openings (opening-policy.ts)
    const [available, reserved, reservedOpenings] = await Promise.all([
      deps.chain.exchangeAvailable(token as Address),
      reservedForOpening(db, token, now),
      reservedByOpenings(db, token, now),
    ]);
    const exchangeAmount = boundedCoverage(ctx.openingPolicy, {
      wanted: (traderAmount * deps.coverageBps) / BPS,
      available,
      reserved,
      reservedByOpenings: reservedOpenings,
    });
    allocations.push({ token: token as Address, traderAmount, exchangeAmount });
  }
  const nonce = (deps.randomNonce ?? randomNonce)();
  const id = computeChannelId({
    chainId: deps.domain.chainId,
    custody: deps.domain.verifyingContract,
    trader: traderAddress,
    exchange: deps.signer.address,
    nonce,
  });
  const appData: TraderAppData = {
    journalSeq: 0n,
    markTime: BigInt(Math.floor(ctx.clock() / 1000)),
    fees: [],
    positions: [],
  };
  const state: ChannelState = {
    channelId: id,
    version: 0n,
    intent: Intent.INITIALIZE,
    allocations,
    appDataHash: hashTraderAppData(appData),
  };
  const { signature, digest } = deps.signer.sign(deps.domain, state);
  const funding = allocations.map((a) => ({ token: a.token, total: a.traderAmount + a.exchangeAmount }));
  await db.$transaction([
    db.channel.create({
      data: {
        id,
        trader: traderAddress,
        nonce,
        status: "OPENING",
        latestVersion: 0n,
        openingExpiresAt: new Date(now.getTime() + ctx.openingPolicy.ttlSeconds * 1_000),
        ...fundingColumns(funding),
      },
    }),
    db.channelState.create({
      data: stateRowData({
        state,
        appData,
        stateHash: bytesToHex(digest),
        exchangeSignature: signature,
        traderSignature: null,
      }),
    }),
  ]);
  return {
    channelId: id,
    nonce,
    state,
    exchangeSignature: signature,
    typedData: stateTypedData(deps.domain, state),
    depositAndOpen: {
      custody: deps.domain.verifyingContract,
      trader: traderAddress,
      nonce,
      approvals: allocations.map((a) => ({ token: a.token, amount: a.traderAmount })),
    },
  };
}

/** A random nonce below 2^63: the contract takes a uint64, the Channel.nonce column is a signed BIGINT. */
function randomNonce(): bigint {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  bytes[0]! &= 0x7f;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
