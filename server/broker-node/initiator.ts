/**
 * Calls this node starts (the venue's own systems ask through the loopback ops endpoint, http.ts):
 * a remote order on a peer's book (kind 3), its amend or cancel (kind 4), a snapshot request
 * (kind 0). Each is signed, logged as sent and metered in one transaction, then delivered by the
 * outbox; an order we create is recorded (B2BOrder, role "initiator") and follows the peer's notices.
 */
import type { Address } from "viem";
import { readBody, type CreateRemoteOrder } from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import type { NodeContext } from "./context";
import { emptyChange } from "./ledger";
import { writeChange } from "./store";

export type SendResult = { ok: true; seq: string } | { ok: false; message: string };

const SENDABLE: readonly number[] = [
  RpcKind.getOrderbookSnapshot,
  RpcKind.createRemoteOrder,
  RpcKind.updateRemoteOrder,
];

/** Signs, logs and queues one call to `peer`; the body is validated as core/b2b's (decimal strings for amounts). */
export function sendCall(ctx: NodeContext, peer: string, kind: number, rawBody: unknown): Promise<SendResult> {
  return ctx.lock.run(async () => {
    const address = peer.toLowerCase() as Address;
    if (!ctx.config.peers.some((p) => p.address === address)) return { ok: false, message: `${peer} is not a peer` };
    if (!SENDABLE.includes(kind)) return { ok: false, message: `kind ${kind} is not a call this node starts` };
    const read = readBody(kind as 0 | 3 | 4, rawBody);
    if (!read.ok) return { ok: false, message: read.reason };
    if (kind === RpcKind.getOrderbookSnapshot && (read.body as { type: string }).type !== "request")
      return { ok: false, message: "only a snapshot request" };
    const change = emptyChange();
    ctx.ledger.send(change, address, kind as 0 | 3 | 4, read.body, ctx.nowMs());
    if (kind === RpcKind.createRemoteOrder) {
      const order = read.body as CreateRemoteOrder;
      change.orders.push({
        peer: address,
        orderId: order.orderId,
        role: "initiator",
        market: order.market,
        side: order.side,
        engineOrderId: null,
        status: "pending",
        remainingBase: order.baseAmount,
      });
    }
    await writeChange(ctx.db, change).catch((error: unknown) => ctx.fatal(error));
    ctx.wake(address);
    return { ok: true, seq: String(change.log[0]!.seq) };
  });
}
