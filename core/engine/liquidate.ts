/**
 * The liquidation waterfall for one account and settlement asset, every step an event:
 * 1. cancel its orders and triggers; 2. close each position through the book with a
 * reduce-only IOC limited at the bankruptcy price (liquidation fee to the insurance fund,
 * capped at the equity left); 3. what the book cannot take is auto-deleveraged against the
 * most profitable, most leveraged opposing positions, at the mark while the insurance fund
 * can pay the loss and beyond it only for what the fund cannot; 4. a remaining deficit is
 * paid by the insurance fund down to zero, and only then by the exchange's own account.
 */
import { abs, divDown, divUp, max, min } from "../money/math";
import { deleveragePrice, deleverageScore, insuredClosePrice } from "../risk/liquidation";
import { equity, isLiquidatable, maintenanceRequirement } from "../risk/margin";
import { hasPositions, settlementLegs } from "./accounts";
import { transfer } from "./ledger";
import { settlePerpSide } from "./matching";
import { placeOrder } from "./orders";
import { cancelResting } from "./resting";
import { clearAccountTriggers } from "./trigger-book";
import { BUY } from "../market/book";
import { EXCHANGE_ACCOUNT, INSURANCE_ACCOUNT, type Account, type EngineState, type Leg, type Order } from "./state";

const MAX_TICK = BigInt(Number.MAX_SAFE_INTEGER);

/** Settlement assets in which the account has open perpetual positions. */
function positionAssets(account: Account): string[] {
  const out: string[] = [];
  for (const leg of account.perpLegs) {
    const q = leg.market.params.quote.symbol;
    if (leg.position.lots !== 0n && !out.includes(q)) out.push(q);
  }
  return out;
}

/** Liquidate the account in each settlement asset where its equity is below maintenance margin. */
export function liquidateIfNeeded(st: EngineState, account: Account): void {
  for (const quote of positionAssets(account)) {
    const legs = settlementLegs(account, quote);
    if (isLiquidatable(account.balance(quote).available, legs)) liquidate(st, account, quote);
  }
}

/** Check every account (after a mark price move or funding). */
export function liquidateAll(st: EngineState): void {
  for (const account of st.accounts.values()) if (account.perpLegs.length > 0) liquidateIfNeeded(st, account);
}

function insuranceBalance(st: EngineState, quote: string): bigint {
  return st.accounts.get(INSURANCE_ACCOUNT)?.balances.get(quote)?.available ?? 0n;
}

function liquidate(st: EngineState, account: Account, quote: string): void {
  const bal = account.balance(quote);
  const legs = settlementLegs(account, quote);
  st.out.push({
    type: "liquidationStarted",
    account: account.id,
    asset: quote,
    equityQuote: equity(bal.available, legs),
    maintenanceQuote: maintenanceRequirement(legs),
  });
  // every order that uses this collateral goes: perpetual orders and spot orders locking it
  const usesCollateral = (o: Order) =>
    o.leg.account === account &&
    (o.leg.market.isPerp
      ? o.leg.market.params.quote.symbol === quote
      : (o.side === BUY ? o.leg.market.params.quote : o.leg.market.params.base).symbol === quote);
  for (const order of [...st.orders.values()].filter(usesCollateral).sort((a, b) => a.id - b.id))
    cancelResting(st, order, "liquidation");
  for (const leg of legs) clearAccountTriggers(st, leg.market, account.id, "liquidation", true);
  for (const leg of legs) {
    const lots = leg.position.lots;
    if (lots === 0n) continue;
    closeThroughBook(st, leg, legs, lots);
    if (leg.position.lots !== 0n) deleverage(st, leg, legs);
  }
  if (!hasPositions(account, quote) && bal.available < 0n) {
    const deficit = -bal.available;
    const cover = min(deficit, max(insuranceBalance(st, quote), 0n));
    if (cover > 0n) {
      transfer(st, INSURANCE_ACCOUNT, account.id, quote, cover, "insurance");
      st.out.push({
        type: "insurance",
        asset: quote,
        deltaQuote: -cover,
        balanceQuote: insuranceBalance(st, quote),
        reason: "bankruptcyCover",
        account: account.id,
      });
    }
    if (deficit > cover) {
      transfer(st, EXCHANGE_ACCOUNT, account.id, quote, deficit - cover, "backstop");
      st.out.push({ type: "backstop", asset: quote, account: account.id, amountQuote: deficit - cover });
    }
  }
  st.out.push({
    type: "liquidationFinished",
    account: account.id,
    asset: quote,
    equityQuote: equity(bal.available, legs),
  });
}

/** Step 2: a reduce-only IOC for the whole position, limited at the bankruptcy price. */
function closeThroughBook(st: EngineState, leg: Leg, legs: readonly Leg[], lots: bigint): void {
  const market = leg.market;
  const p = market.params;
  const mark = market.markPerLot!;
  const rest = equity(leg.quote.available, legs) - lots * mark;
  const bankruptcy = insuredClosePrice(lots, rest, 0n);
  const sell = lots > 0n;
  let tick = sell ? divUp(bankruptcy, p.tickSizeQuote) : divDown(bankruptcy, p.tickSizeQuote);
  if (sell && tick < 1n) tick = 1n;
  if (!sell && tick < 1n) return; // not even the lowest price keeps the account solvent: straight to ADL
  tick = min(tick, MAX_TICK);
  placeOrder(
    st,
    {
      type: "place",
      account: leg.account.id,
      market: p.symbol,
      side: sell ? "sell" : "buy",
      kind: "limit",
      pricePerLot: tick * p.tickSizeQuote,
      sizeBase: abs(lots) * p.lotSizeBase,
      tif: "IOC",
      reduceOnly: true,
    },
    st.nextOrderId++,
    "liquidation",
  );
}

/** Step 3: close what is left against the ranked opposing positions. */
function deleverage(st: EngineState, leg: Leg, legs: readonly Leg[]): void {
  const market = leg.market;
  const symbol = market.params.symbol;
  const quote = market.params.quote.symbol;
  const lots = leg.position.lots;
  const mark = market.markPerLot!;
  const rest = equity(leg.quote.available, legs) - lots * mark;
  const price = deleveragePrice(lots, mark, rest, max(insuranceBalance(st, quote), 0n));
  const ranked: { leg: Leg; score: bigint }[] = [];
  for (const account of st.accounts.values()) {
    if (account === leg.account) continue;
    const other = account.legs.get(symbol);
    if (other === undefined || other.position.lots === 0n || other.position.lots > 0n === lots > 0n) continue;
    const eq = equity(other.quote.available, settlementLegs(account, quote));
    ranked.push({ leg: other, score: deleverageScore(other.position.lots, other.position.entryQuote, mark, eq) });
  }
  ranked.sort((a, b) =>
    a.score === b.score ? (a.leg.account.id < b.leg.account.id ? -1 : 1) : a.score > b.score ? -1 : 1,
  );
  let remaining = abs(lots);
  const sell = lots > 0n;
  for (const { leg: counter } of ranked) {
    if (remaining === 0n) break;
    const take = min(remaining, abs(counter.position.lots));
    st.out.push({
      type: "adl",
      market: symbol,
      account: leg.account.id,
      counterparty: counter.account.id,
      sizeBase: take * market.params.lotSizeBase,
      pricePerLot: price,
    });
    settlePerpSide(st, market, leg, !sell, take, price, take * price, 0n, "adl");
    settlePerpSide(st, market, counter, sell, take, price, take * price, 0n, "adl");
    remaining -= take;
  }
}
