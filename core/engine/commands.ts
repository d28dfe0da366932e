/** Handlers of the non-order commands: markets, deposits, withdrawals, mark price, funding. */
import { validateMarketConfig } from "../market/config";
import { rejection } from "../market/rejection";
import { fundingPayment, fundingRatePips } from "../risk/funding";
import { boundedMark } from "../risk/mark";
import { equity, withdrawable } from "../risk/margin";
import { settlementLegs } from "./accounts";
import { BUY } from "../market/book";
import {
  PERP_ONLY_MARKET_PARAMS,
  UPDATABLE_MARKET_PARAMS,
  type AddMarketCommand,
  type DepositCommand,
  type FundingTickCommand,
  type MarkPriceCommand,
  type UpdatableMarketParams,
  type UpdateMarketCommand,
  type WithdrawCommand,
} from "./events";
import { moveBalance } from "./ledger";
import { liquidateAll } from "./liquidate";
import { lockFunds, reject } from "./orders";
import { cancelResting } from "./resting";
import { runTriggers } from "./triggers";
import { INSURANCE_ACCOUNT, isReservedAccount, MarketState, type EngineState } from "./state";

/** Add a market; returns false (with a rejection event) when the config is invalid or clashes. */
export function addMarket(st: EngineState, cmd: AddMarketCommand): boolean {
  const fail = (r: Parameters<typeof reject>[4]) => (reject(st, "addMarket", null, null, r), false);
  const params = validateMarketConfig(cmd.config);
  if ("code" in params) return fail(params);
  if (st.markets.has(params.symbol))
    return fail(rejection("MARKET_EXISTS", `market ${params.symbol} exists`, { market: params.symbol }));
  const real = params.kind === "spot" ? [params.base, params.quote] : [params.quote];
  for (const asset of real) {
    const known = st.assets.get(asset.symbol);
    if (known !== undefined && known !== asset.decimals)
      return fail(
        rejection("ASSET_DECIMALS_MISMATCH", `${asset.symbol} has ${known} decimals, not ${asset.decimals}`, {
          asset: asset.symbol,
          decimals: asset.decimals,
          known,
        }),
      );
  }
  for (const asset of real) st.assets.set(asset.symbol, asset.decimals);
  st.markets.set(params.symbol, new MarketState(params, st.markets.size));
  st.out.push({ type: "marketAdded", market: params.symbol, kind: params.kind });
  return true;
}

const IMMUTABLE_WHY: Record<string, string> = {
  tickSizeQuote:
    "resting orders are keyed by tick (book levels); halt the market and create a new one to change the tick",
  lotSizeBase:
    "resting orders and positions are counted in lots; halt the market and create a new one to change the lot",
};

function updatable(p: UpdatableMarketParams): UpdatableMarketParams {
  return Object.fromEntries(UPDATABLE_MARKET_PARAMS.map((k) => [k, p[k]])) as unknown as UpdatableMarketParams;
}

/**
 * Change a live market's tradable parameters (see UpdateMarketCommand). Refused, changing
 * nothing: an unknown market (MARKET_NOT_FOUND), tick/lot or any other non-updatable field
 * (MARKET_PARAM_IMMUTABLE), a perpetual-only field on a spot market (PERP_ONLY), a value of the
 * wrong type or a merged config that fails validateMarketConfig (MARKET_CONFIG_INVALID, naming
 * the field and value), nothing that differs (MARKET_UPDATE_NO_CHANGE).
 * Emits `marketUpdated`, then: spot, when the highest fee rate rose, tops up each resting buy's
 * lock (cancelling, `orderDone` cancelled, an order its owner cannot cover); perpetuals, the
 * liquidation check over every account (the same waterfall as after a mark price).
 */
export function updateMarket(st: EngineState, cmd: UpdateMarketCommand): boolean {
  const fail = (r: Parameters<typeof reject>[4]) => (reject(st, "updateMarket", null, null, r), false);
  const market = st.markets.get(cmd.market);
  if (market === undefined)
    return fail(rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) }));
  const symbol = market.params.symbol;
  if (typeof cmd.params !== "object" || cmd.params === null)
    return fail(
      rejection("MARKET_UPDATE_NO_CHANGE", "params must be an object of parameters to change", { market: symbol }),
    );
  const allowed: readonly string[] = UPDATABLE_MARKET_PARAMS;
  for (const field of Object.keys(cmd.params)) {
    if (!allowed.includes(field))
      return fail(
        rejection(
          "MARKET_PARAM_IMMUTABLE",
          `market ${symbol}: ${field} cannot change on a live market${IMMUTABLE_WHY[field] ? `: ${IMMUTABLE_WHY[field]}` : ""}`,
          { market: symbol, field },
        ),
      );
  }
  const given = UPDATABLE_MARKET_PARAMS.filter((k) => cmd.params[k] !== undefined);
  for (const field of given) {
    const value: unknown = cmd.params[field];
    const ok = field === "fundingIntervalMs" ? typeof value === "number" : typeof value === "bigint";
    if (!ok)
      return fail(
        rejection(
          "MARKET_CONFIG_INVALID",
          `market ${symbol}: ${field} must be ${field === "fundingIntervalMs" ? "a number" : "a bigint"}`,
          { market: symbol, field, value: String(value) },
        ),
      );
    if (!market.isPerp && PERP_ONLY_MARKET_PARAMS.includes(field))
      return fail(
        rejection("PERP_ONLY", `market ${symbol} is spot: ${field} is for perpetuals`, { market: symbol, field }),
      );
  }
  const before = market.params;
  const next = validateMarketConfig({ ...before, ...Object.fromEntries(given.map((k) => [k, cmd.params[k]])) });
  if ("code" in next) return fail(next);
  if (given.every((k) => next[k] === before[k]))
    return fail(
      rejection("MARKET_UPDATE_NO_CHANGE", `market ${symbol}: no parameter differs from the current one`, {
        market: symbol,
      }),
    );
  market.params = next;
  const oldMaxFee = market.maxFeePips;
  market.maxFeePips = next.takerFeePips > next.makerFeePips ? next.takerFeePips : next.makerFeePips;
  st.out.push({ type: "marketUpdated", market: symbol, before: updatable(before), after: updatable(next) });
  if (!market.isPerp && market.maxFeePips > oldMaxFee) {
    // resting buys locked fees at the old highest rate: lock the difference, or cancel the order
    const buys = [...market.book.inPriorityOrder()].filter((o) => o.side === BUY);
    for (const o of buys) if (lockFunds(st, o, o.lots, o.pricePerLot) !== null) cancelResting(st, o, "cancelled");
  }
  if (market.isPerp) liquidateAll(st);
  return true;
}

/** Credit a confirmed deposit. */
export function deposit(st: EngineState, cmd: DepositCommand): void {
  if (typeof cmd.account !== "string" || cmd.account.length === 0)
    return reject(st, "deposit", null, null, rejection("ORDER_INVALID", "account must be a non-empty string", {}));
  if (!st.assets.has(cmd.asset))
    return reject(
      st,
      "deposit",
      null,
      cmd.account,
      rejection("ASSET_NOT_FOUND", `no market uses ${cmd.asset}`, { asset: String(cmd.asset) }),
    );
  if (typeof cmd.amount !== "bigint" || cmd.amount <= 0n)
    return reject(
      st,
      "deposit",
      null,
      cmd.account,
      rejection("AMOUNT_NOT_POSITIVE", "amount must be a positive bigint", { amount: String(cmd.amount) }),
    );
  const account = st.account(cmd.account);
  moveBalance(st, account.id, cmd.asset, account.balance(cmd.asset), cmd.amount, 0n, "deposit");
  st.netDeposits.set(cmd.asset, (st.netDeposits.get(cmd.asset) ?? 0n) + cmd.amount);
}

/**
 * Debit a withdrawal. In an asset the account uses only for spot it may take the available
 * balance; in a perpetual settlement asset it may take only free collateral (equity without
 * unrealized gains, above initial margin), never from an account with negative equity.
 */
export function withdraw(st: EngineState, cmd: WithdrawCommand): void {
  const fail = (r: Parameters<typeof reject>[4]) => reject(st, "withdraw", null, cmd.account, r);
  if (!st.assets.has(cmd.asset))
    return fail(rejection("ASSET_NOT_FOUND", `no market uses ${cmd.asset}`, { asset: String(cmd.asset) }));
  if (typeof cmd.amount !== "bigint" || cmd.amount <= 0n)
    return fail(rejection("AMOUNT_NOT_POSITIVE", "amount must be a positive bigint", { amount: String(cmd.amount) }));
  const account = st.accounts.get(cmd.account);
  const b = account?.balances.get(cmd.asset);
  const available = b?.available ?? 0n;
  const legs = account === undefined || isReservedAccount(account.id) ? [] : settlementLegs(account, cmd.asset);
  if (account === undefined || b === undefined || (legs.length === 0 && available < cmd.amount))
    return fail(
      rejection("INSUFFICIENT_BALANCE", `only ${available} ${cmd.asset} available`, {
        asset: cmd.asset,
        available,
        required: cmd.amount,
      }),
    );
  if (legs.length > 0) {
    // a settlement asset: the balance carries the positions' quote flows, so the limit is free collateral
    const eq = equity(b.available, legs);
    if (eq < 0n)
      return fail(rejection("NEGATIVE_EQUITY", "an account with negative equity cannot withdraw", { equity: eq }));
    const free = withdrawable(b.available, legs);
    if (cmd.amount > free)
      return fail(
        rejection(
          "WITHDRAW_EXCEEDS_FREE_COLLATERAL",
          `only ${free} can be withdrawn (unrealized profit and initial margin stay)`,
          { amount: cmd.amount, free },
        ),
      );
  }
  moveBalance(st, account.id, cmd.asset, b, -cmd.amount, 0n, "withdraw");
  st.netDeposits.set(cmd.asset, (st.netDeposits.get(cmd.asset) ?? 0n) - cmd.amount);
}

/** Take a new index price: derive the bounded mark, fire triggers, liquidate. */
export function markPrice(st: EngineState, cmd: MarkPriceCommand): void {
  const market = st.markets.get(cmd.market);
  if (market === undefined)
    return reject(
      st,
      "markPrice",
      null,
      null,
      rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) }),
    );
  if (typeof cmd.indexPerLot !== "bigint" || cmd.indexPerLot <= 0n)
    return reject(
      st,
      "markPrice",
      null,
      null,
      rejection("PRICE_NOT_POSITIVE", "index must be a positive bigint", { price: String(cmd.indexPerLot) }),
    );
  const top = market.book.top();
  market.indexPerLot = cmd.indexPerLot;
  market.markPerLot = boundedMark(cmd.indexPerLot, top.bidPerLot, top.askPerLot, market.params.markBandBps);
  st.out.push({
    type: "markPrice",
    market: market.params.symbol,
    indexPerLot: cmd.indexPerLot,
    markPerLot: market.markPerLot,
  });
  if (market.triggers.size > 0) runTriggers(st, market);
  if (market.isPerp) liquidateAll(st);
}

/** Pay one funding interval: longs pay shorts when the mark is above the index (and back). */
export function fundingTick(st: EngineState, cmd: FundingTickCommand): void {
  const fail = (r: Parameters<typeof reject>[4]) => reject(st, "fundingTick", null, null, r);
  const market = st.markets.get(cmd.market);
  if (market === undefined)
    return fail(rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) }));
  if (!market.isPerp) return fail(rejection("PERP_ONLY", "funding is for perpetuals", { market: cmd.market }));
  if (!Number.isSafeInteger(cmd.timeMs))
    return fail(rejection("ORDER_INVALID", "timeMs must be an integer", { timeMs: String(cmd.timeMs) }));
  const mark = market.markPerLot;
  const index = market.indexPerLot;
  if (mark === null || index === null)
    return fail(
      rejection("MARK_PRICE_UNAVAILABLE", `market ${cmd.market} has no mark price yet`, { market: cmd.market }),
    );
  const p = market.params;
  if (market.lastFundingMs !== null && cmd.timeMs < market.lastFundingMs + p.fundingIntervalMs)
    return fail(
      rejection("FUNDING_NOT_DUE", "the funding interval has not passed", {
        timeMs: cmd.timeMs,
        dueMs: market.lastFundingMs + p.fundingIntervalMs,
      }),
    );
  market.lastFundingMs = cmd.timeMs;
  const rate = fundingRatePips(mark, index, p.fundingCapPips);
  st.out.push({
    type: "funding",
    market: p.symbol,
    timeMs: cmd.timeMs,
    ratePips: rate,
    markPerLot: mark,
    indexPerLot: index,
  });
  let net = 0n;
  for (const account of st.accounts.values()) {
    const leg = account.legs.get(p.symbol);
    if (leg === undefined || leg.position.lots === 0n) continue;
    const amount = fundingPayment(leg.position.lots, mark, rate);
    if (amount === 0n) continue;
    net += amount;
    moveBalance(st, account.id, p.quote.symbol, leg.quote, amount, 0n, "funding");
    st.out.push({ type: "fundingPayment", market: p.symbol, account: account.id, amountQuote: amount });
  }
  if (net < 0n) {
    const fund = st.account(INSURANCE_ACCOUNT).balance(p.quote.symbol);
    moveBalance(st, INSURANCE_ACCOUNT, p.quote.symbol, fund, -net, 0n, "funding");
    st.out.push({
      type: "insurance",
      asset: p.quote.symbol,
      deltaQuote: -net,
      balanceQuote: fund.available,
      reason: "fundingDust",
      account: null,
    });
  }
  liquidateAll(st);
}
