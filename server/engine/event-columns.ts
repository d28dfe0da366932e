/** The market and the accounts an engine event concerns (the live feeds and JournalIndex use them). */
import type { EngineEvent } from "../../core/engine";

export interface EventColumns {
  market: string | null;
  /** the account the event is about (a fill's taker) */
  account: string | null;
  /** the other account it concerns (a fill's maker, an ADL counterparty) */
  counterparty: string | null;
  pricePerLot: bigint | null;
  sizeBase: bigint | null;
}

/** The read-model columns of one event. */
export function eventColumns(e: EngineEvent): EventColumns {
  switch (e.type) {
    case "fill":
      return {
        market: e.market,
        account: e.taker,
        counterparty: e.maker,
        pricePerLot: e.pricePerLot,
        sizeBase: e.sizeBase,
      };
    case "adl":
      return {
        market: e.market,
        account: e.account,
        counterparty: e.counterparty,
        pricePerLot: e.pricePerLot,
        sizeBase: e.sizeBase,
      };
    case "rejected":
      return { market: null, account: e.account, counterparty: null, pricePerLot: null, sizeBase: null };
    case "balance":
    case "liquidationStarted":
    case "liquidationFinished":
    case "backstop":
      return { market: null, account: e.account, counterparty: null, pricePerLot: null, sizeBase: null };
    case "insurance":
      return { market: null, account: e.account, counterparty: null, pricePerLot: null, sizeBase: null };
    case "marketAdded":
    case "marketUpdated":
    case "markPrice":
    case "funding":
      return { market: e.market, account: null, counterparty: null, pricePerLot: null, sizeBase: null };
    default:
      // orderAccepted, orderDone, orderAmended, position, fundingPayment, trigger*: one account, one market
      return { market: e.market, account: e.account, counterparty: null, pricePerLot: null, sizeBase: null };
  }
}

/** True when the event concerns `account` (either column). */
export function eventConcerns(e: EngineEvent, account: string): boolean {
  const c = eventColumns(e);
  return c.account === account || c.counterparty === account;
}
