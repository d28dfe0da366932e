/**
 * The effect of each accepted envelope (seed 000's six RPCs), run under the node's lock. The
 * envelope is logged as received, metered and its seq recorded in the same transaction as its
 * effect: a plain transaction (store.ts writeChange), or, when the engine acts, the engine
 * journal's batch (engine-bridge.ts). Notifications owed to peers are sent (logged) in it too.
 */
import type { Address } from "viem";
import type {
  AcceptedEnvelope,
  CreateRemoteOrder,
  NotifyOrderUpdate,
  RpcBodies,
  UpdateRemoteOrder,
} from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import type { CommittedEntry } from "../ports";
import type { NodeContext } from "./context";
import { submitWithChange } from "./engine-bridge";
import { emptyChange, type Change, type OrderRow } from "./ledger";
import { noticesOf, planCreate, planUpdate, type Planned } from "./orders";
import type { Publisher } from "./publisher";
import { findOrder, writeChange } from "./store";

type Accepted<K extends keyof RpcBodies> = AcceptedEnvelope & { signed: { envelope: { body: RpcBodies[K] } } };

/** Applies an accepted envelope from `peer`; resolves once it and its effect are durable. */
export async function handleEnvelope(
  ctx: NodeContext,
  publisher: Publisher,
  peer: Address,
  wire: string,
  accepted: AcceptedEnvelope,
): Promise<void> {
  const { kind, body } = accepted.signed.envelope;
  if (kind === RpcKind.createRemoteOrder)
    return createOrder(ctx, peer, wire, accepted as Accepted<3>, body as CreateRemoteOrder);
  if (kind === RpcKind.updateRemoteOrder)
    return updateOrder(ctx, peer, wire, accepted as Accepted<4>, body as UpdateRemoteOrder);
  const change = emptyChange();
  ctx.ledger.receive(change, peer, wire, accepted);
  if (kind === RpcKind.getOrderbookSnapshot) {
    const snapshot = body as RpcBodies[0];
    if (snapshot.type === "request") publisher.subscribe(change, peer, snapshot, accepted.signed.envelope.seq);
  }
  if (kind === RpcKind.notifyOrderUpdate) {
    const own = await findOrder(ctx.db, peer, (body as NotifyOrderUpdate).orderId, "initiator");
    if (own) change.orders.push(afterNotice(own, body as NotifyOrderUpdate));
  }
  // kinds 1 and 2 (increments, trade events): the log entry is their one write
  await commit(ctx, change);
}

/** Our order on the peer's book, as the peer's notification reports it. */
function afterNotice(order: OrderRow, n: NotifyOrderUpdate): OrderRow {
  const status: OrderRow["status"] =
    n.update === "cancelled" || n.update === "rejected" ? n.update : n.remainingBase === 0n ? "filled" : "open";
  return { ...order, status, remainingBase: n.remainingBase };
}

async function commit(ctx: NodeContext, change: Change): Promise<void> {
  await writeChange(ctx.db, change).catch((error: unknown) => ctx.fatal(error));
  for (const p of change.peers) ctx.wake(p.address);
}

/** Accepted but refused as an order: logged, and a "rejected" notice back, in one transaction. */
async function refuse(ctx: NodeContext, peer: Address, wire: string, accepted: AcceptedEnvelope, n: NotifyOrderUpdate) {
  const change = emptyChange();
  ctx.ledger.receive(change, peer, wire, accepted);
  ctx.ledger.send(change, peer, RpcKind.notifyOrderUpdate, n, ctx.nowMs());
  await commit(ctx, change);
}

async function viaEngine(
  ctx: NodeContext,
  peer: Address,
  wire: string,
  accepted: AcceptedEnvelope,
  planned: Extract<Planned, { ok: true }>,
  notices: (entry: CommittedEntry) => ReturnType<typeof noticesOf>,
  fallback: NotifyOrderUpdate,
) {
  const change = await submitWithChange(ctx, {
    account: (planned.command as { account: string }).account,
    key: `in:${accepted.signed.envelope.seq}`,
    requestHash: accepted.digest,
    command: planned.command,
    build: (entry) => {
      const change = emptyChange();
      ctx.ledger.receive(change, peer, wire, accepted);
      const list = notices(entry);
      if (!list.some((n) => n.peer === peer && n.body.orderId === fallback.orderId))
        ctx.ledger.send(change, peer, RpcKind.notifyOrderUpdate, fallback, ctx.nowMs());
      for (const n of list) {
        ctx.ledger.send(change, n.peer, RpcKind.notifyOrderUpdate, n.body, ctx.nowMs());
        change.orders.push(n.order);
      }
      return change;
    },
  });
  for (const p of change.peers) ctx.wake(p.address);
}

async function createOrder(
  ctx: NodeContext,
  peer: Address,
  wire: string,
  accepted: AcceptedEnvelope,
  body: CreateRemoteOrder,
) {
  const rejected = (reason: string) => {
    console.warn(`[broker-node] order ${body.orderId} from ${peer} rejected: ${reason}`);
    return refuse(ctx, peer, wire, accepted, { orderId: body.orderId, update: "rejected", remainingBase: 0n });
  };
  if (await findOrder(ctx.db, peer, body.orderId, "host")) return rejected("duplicate orderId");
  const planned = planCreate(body, peer, ctx.engine.market(body.market), ctx.config.assets);
  if (!planned.ok) return rejected(planned.reason);
  const created = { peer, orderId: body.orderId, role: "host" as const, market: body.market, side: body.side };
  await viaEngine(
    ctx,
    peer,
    wire,
    accepted,
    planned,
    (entry) => noticesOf(entry.seq, entry.events, ctx.hosted, created),
    { orderId: body.orderId, update: "rejected", remainingBase: 0n },
  );
}

async function updateOrder(
  ctx: NodeContext,
  peer: Address,
  wire: string,
  accepted: AcceptedEnvelope,
  body: UpdateRemoteOrder,
) {
  const order = await findOrder(ctx.db, peer, body.orderId, "host");
  const planned = planUpdate(body, order, order ? ctx.engine.market(order.market) : null);
  const rejected = { orderId: body.orderId, update: "rejected" as const, remainingBase: order?.remainingBase ?? 0n };
  if (!planned.ok) return refuse(ctx, peer, wire, accepted, rejected);
  await viaEngine(
    ctx,
    peer,
    wire,
    accepted,
    planned,
    (entry) => noticesOf(entry.seq, entry.events, ctx.hosted, null),
    rejected,
  );
}
