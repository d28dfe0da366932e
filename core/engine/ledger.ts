/** Balance changes, each emitted as an event with the new totals. */
import type { BalanceReason } from "./events";
import type { Balance, EngineState } from "./state";

/** Move `deltaAvailable` and `deltaLocked` on one balance and emit the change. */
export function moveBalance(
  st: EngineState,
  account: string,
  asset: string,
  b: Balance,
  deltaAvailable: bigint,
  deltaLocked: bigint,
  reason: BalanceReason,
): void {
  b.available += deltaAvailable;
  b.locked += deltaLocked;
  st.out.push({
    type: "balance",
    account,
    asset,
    deltaAvailable,
    deltaLocked,
    available: b.available,
    locked: b.locked,
    reason,
  });
}

/** Transfer `amount` of available `asset` from one account to another (two balance events). */
export function transfer(
  st: EngineState,
  from: string,
  to: string,
  asset: string,
  amount: bigint,
  reason: BalanceReason,
): void {
  if (amount === 0n) return;
  moveBalance(st, from, asset, st.account(from).balance(asset), -amount, 0n, reason);
  moveBalance(st, to, asset, st.account(to).balance(asset), amount, 0n, reason);
}
