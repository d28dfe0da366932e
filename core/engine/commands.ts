/** Handlers of the non-order commands: markets, deposits, withdrawals, mark price, funding. */
import { validateMarketConfig } from "../market/config";
import { rejection } from "../market/rejection";
import { fundingPayment, fundingRatePips } from "../risk/funding";
import { boundedMark } from "../risk/mark";
import { equity, withdrawable } from "../risk/margin";
import { settlementLegs } from "./accounts";
import type { AddMarketCommand, DepositCommand, FundingTickCommand, MarkPriceCommand, WithdrawCommand } from "./events";
import { moveBalance } from "./ledger";
import { liquidateAll } from "./liquidate";
import { reject } from "./orders";
import { runTriggers } from "./triggers";
import { INSURANCE_ACCOUNT, isReservedAccount, MarketState, type EngineState } from "./state";

/** Add a market; returns false (with a rejection event) when the config is invalid or clashes. */
export function addMarket(st: EngineState, cmd: AddMarketCommand): boolean {
  const fail = (r: Parameters<typeof reject>[4]) => (reject(st, "addMarket", null, null, r), false);
  const params = validateMarketConfig(cmd.config);
  if ("code" in params) return fail(params);
  if (st.markets.has(params.symbol)) return fail(rejection("MARKET_EXISTS", `market ${params.symbol} exists`, { market: params.symbol }));
  const real = params.kind === "spot" ? [params.base, params.quote] : [params.quote];
  for (const asset of real) {
    const known = st.assets.get(asset.symbol);
    if (known !== undefined && known !== asset.decimals)
      return fail(rejection("ASSET_DECIMALS_MISMATCH", `${asset.symbol} has ${known} decimals, not ${asset.decimals}`, { asset: asset.symbol, decimals: asset.decimals, known }));
  }
  for (const asset of real) st.assets.set(asset.symbol, asset.decimals);
  st.markets.set(params.symbol, new MarketState(params, st.markets.size));
  st.out.push({ type: "marketAdded", market: params.symbol, kind: params.kind });
  return true;
}

/** Credit a confirmed deposit. */
export function deposit(st: EngineState, cmd: DepositCommand): void {
  if (typeof cmd.account !== "string" || cmd.account.length === 0) return reject(st, "deposit", null, null, rejection("ORDER_INVALID", "account must be a non-empty string", {}));
  if (!st.assets.has(cmd.asset)) return reject(st, "deposit", null, cmd.account, rejection("ASSET_NOT_FOUND", `no market uses ${cmd.asset}`, { asset: String(cmd.asset) }));
  if (typeof cmd.amount !== "bigint" || cmd.amount <= 0n) return reject(st, "deposit", null, cmd.account, rejection("AMOUNT_NOT_POSITIVE", "amount must be a positive bigint", { amount: String(cmd.amount) }));
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
  if (!st.assets.has(cmd.asset)) return fail(rejection("ASSET_NOT_FOUND", `no market uses ${cmd.asset}`, { asset: String(cmd.asset) }));
  if (typeof cmd.amount !== "bigint" || cmd.amount <= 0n) return fail(rejection("AMOUNT_NOT_POSITIVE", "amount must be a positive bigint", { amount: String(cmd.amount) }));
  const account = st.accounts.get(cmd.account);
  const b = account?.balances.get(cmd.asset);
  const available = b?.available ?? 0n;
  const legs = account === undefined || isReservedAccount(account.id) ? [] : settlementLegs(account, cmd.asset);
  if (account === undefined || b === undefined || (legs.length === 0 && available < cmd.amount))
    return fail(rejection("INSUFFICIENT_BALANCE", `only ${available} ${cmd.asset} available`, { asset: cmd.asset, available, required: cmd.amount }));
  if (legs.length > 0) {
    // a settlement asset: the balance carries the positions' quote flows, so the limit is free collateral
    const eq = equity(b.available, legs);
    if (eq < 0n) return fail(rejection("NEGATIVE_EQUITY", "an account with negative equity cannot withdraw", { equity: eq }));
    const free = withdrawable(b.available, legs);
    if (cmd.amount > free)
      return fail(rejection("WITHDRAW_EXCEEDS_FREE_COLLATERAL", `only ${free} can be withdrawn (unrealized profit and initial margin stay)`, { amount: cmd.amount, free }));
  }
  moveBalance(st, account.id, cmd.asset, b, -cmd.amount, 0n, "withdraw");
  st.netDeposits.set(cmd.asset, (st.netDeposits.get(cmd.asset) ?? 0n) - cmd.amount);
}

/** Take a new index price: derive the bounded mark, fire triggers, liquidate. */
export function markPrice(st: EngineState, cmd: MarkPriceCommand): void {
  const market = st.markets.get(cmd.market);
  if (market === undefined) return reject(st, "markPrice", null, null, rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) }));
  if (typeof cmd.indexPerLot !== "bigint" || cmd.indexPerLot <= 0n) return reject(st, "markPrice", null, null, rejection("PRICE_NOT_POSITIVE", "index must be a positive bigint", { price: String(cmd.indexPerLot) }));
  const top = market.book.top();
  market.indexPerLot = cmd.indexPerLot;
  market.markPerLot = boundedMark(cmd.indexPerLot, top.bidPerLot, top.askPerLot, market.params.markBandBps);
  st.out.push({ type: "markPrice", market: market.params.symbol, indexPerLot: cmd.indexPerLot, markPerLot: market.markPerLot });
  if (market.triggers.length > 0) runTriggers(st, market);
  if (market.isPerp) liquidateAll(st);
}

/** Pay one funding interval: longs pay shorts when the mark is above the index (and back). */
export function fundingTick(st: EngineState, cmd: FundingTickCommand): void {
  const fail = (r: Parameters<typeof reject>[4]) => reject(st, "fundingTick", null, null, r);
  const market = st.markets.get(cmd.market);
  if (market === undefined) return fail(rejection("MARKET_NOT_FOUND", `no market ${cmd.market}`, { market: String(cmd.market) }));
  if (!market.isPerp) return fail(rejection("PERP_ONLY", "funding is for perpetuals", { market: cmd.market }));
  if (!Number.isSafeInteger(cmd.timeMs)) return fail(rejection("ORDER_INVALID", "timeMs must be an integer", { timeMs: String(cmd.timeMs) }));
  const mark = market.markPerLot;
  const index = market.indexPerLot;
  if (mark === null || index === null) return fail(rejection("MARK_PRICE_UNAVAILABLE", `market ${cmd.market} has no mark price yet`, { market: cmd.market }));
  const p = market.params;
  if (market.lastFundingMs !== null && cmd.timeMs < market.lastFundingMs + p.fundingIntervalMs)
    return fail(rejection("FUNDING_NOT_DUE", "the funding interval has not passed", { timeMs: cmd.timeMs, dueMs: market.lastFundingMs + p.fundingIntervalMs }));
  market.lastFundingMs = cmd.timeMs;
  const rate = fundingRatePips(mark, index, p.fundingCapPips);
  st.out.push({ type: "funding", market: p.symbol, timeMs: cmd.timeMs, ratePips: rate, markPerLot: mark, indexPerLot: index });
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
    st.out.push({ type: "insurance", asset: p.quote.symbol, deltaQuote: -net, balanceQuote: fund.available, reason: "fundingDust", account: null });
  }
  liquidateAll(st);
}
