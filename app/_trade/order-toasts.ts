/** What the trader is told when an order is accepted (fills are announced by the account feed). */
import { toast } from "../_components/toast";
import { baseUnits, px, sz, szT, type MarketSummary } from "./market";

export function announcePlaced(
  m: MarketSummary,
  r: { status: string; orderId: number; doneReason: string | null; filledSize: { value: string; symbol: string } },
  o: { side: "buy" | "sell"; size: bigint; price: bigint | null; trigger: bigint | null },
): void {
  const isPerp = m.kind === "PERP";
  const verb = o.side === "buy" ? (isPerp ? "Long" : "Buy") : isPerp ? "Short" : "Sell";
  const what = `${verb} ${sz(m, o.size)} ${m.base.symbol}`;
  if (r.status === "resting")
    toast.success("Order placed", `${what} at ${px(m, o.price)} rests on the book (order #${r.orderId}).`);
  else if (r.status === "triggerPending")
    toast.success(
      "Stop order placed",
      `${what} when the ${isPerp ? "mark" : "last price"} reaches ${px(m, o.trigger)} (order #${r.orderId}).`,
    );
  else if (r.status === "cancelled" || r.status === "expired")
    toast.warn(
      baseUnits(m, r.filledSize) > 0n ? "Order partly filled" : "Order not filled",
      `${what}: ${r.doneReason ?? r.status}. Filled ${szT(m, r.filledSize)} of ${sz(m, o.size)}.`,
    );
}
