/** Debits and credits of a trader's balance in the engine (withdrawals, closes, cancellations and the custody sink); a refusal throws. */
import { toClearlineError } from "../../core/engine";
import type { EnginePort } from "../ports";

/** Takes `amount` of `asset` from `account`'s available balance; `requestId` makes it apply once. */
export async function engineDebit(
  engine: EnginePort,
  account: string,
  asset: string,
  amount: bigint,
  requestId?: string,
): Promise<void> {
  const entry = await engine.submit(
    { type: "withdraw", account, asset, amount },
    requestId === undefined ? undefined : { requestId },
  );
  const rejected = entry.events.find((e) => e.type === "rejected");
  if (rejected && rejected.type === "rejected") throw toClearlineError(rejected);
}

/** Adds `amount` of `asset` to `account`'s available balance; `requestId` makes it apply once. */
export async function engineCredit(
  engine: EnginePort,
  account: string,
  asset: string,
  amount: bigint,
  requestId?: string,
): Promise<void> {
  const entry = await engine.submit(
    { type: "deposit", account, asset, amount },
    requestId === undefined ? undefined : { requestId },
  );
  const rejected = entry.events.find((e) => e.type === "rejected");
  if (rejected && rejected.type === "rejected") throw toClearlineError(rejected);
}
