/**
 * GET /b2b/stream: a peer follows, as server-sent events, every envelope this node sent it —
 * the snapshot answer, then the increments, trade events and notices, in seq order — from the log
 * after `after`, then live. It is a second way to read the same outbox (POST delivery goes on):
 * the receiver's seq check makes the two idempotent (what arrives second is REPLAYED, which the
 * outbox counts as delivered).
 *
 * Authentication: `?peer=<address>&after=<seq>&atMs=<ms>&sig=<65-byte hex>`, where sig is the
 * peer's signature over keccak256("clearline-b2b-stream:<chainId>:<this node>:<peer>:<after>:<atMs>")
 * and atMs is within the node's clock skew. Event: `id: <seq>`, `event: envelope`, `data: <wire>`.
 */
import type http from "node:http";
import { keccak_256 } from "@noble/hashes/sha3.js";
import type { Address, Hex } from "viem";
import { signDigest, verifyDigestSignature } from "../../core/channel/signature";
import type { NodeContext } from "./context";

const PAGE = 100;
const utf8 = new TextEncoder();

/** The digest a follower signs to open its stream. */
export function streamDigest(chainId: bigint, host: Address, peer: Address, after: bigint, atMs: bigint): Uint8Array {
  return keccak_256(utf8.encode(`clearline-b2b-stream:${chainId}:${host}:${peer}:${after}:${atMs}`));
}

/** The query a peer's key opens its stream with (tests and a future follower). */
export function streamQuery(chainId: bigint, host: Address, peer: Address, key: Hex, after: bigint, atMs: bigint) {
  const sig = signDigest(streamDigest(chainId, host, peer, after, atMs), key);
  return `peer=${peer}&after=${after}&atMs=${atMs}&sig=${sig}`;
}

export type StreamAuth =
  | { ok: true; peer: Address; after: bigint }
  | { ok: false; status: 400 | 401; refusal: "MALFORMED" | "WRONG_PEER" | "BAD_SIGNATURE" | "STALE"; message: string };

export class StreamHub {
  private readonly followers = new Map<Address, Set<() => void>>();
  private stopped = false;

  constructor(private readonly ctx: NodeContext) {}

  authenticate(url: URL): StreamAuth {
    const q = url.searchParams;
    const peer = (q.get("peer") ?? "").toLowerCase() as Address;
    const [after, atMs, sig] = [q.get("after") ?? "", q.get("atMs") ?? "", q.get("sig") ?? ""];
    if (!/^0x[0-9a-f]{40}$/.test(peer) || !/^(0|[1-9][0-9]{0,18})$/.test(after) || !/^[1-9][0-9]{0,15}$/.test(atMs))
      return { ok: false, status: 400, refusal: "MALFORMED", message: "peer, after and atMs are required" };
    const { config } = this.ctx;
    if (!config.peers.some((p) => p.address === peer))
      return { ok: false, status: 401, refusal: "WRONG_PEER", message: `${peer} is not a peer` };
    const digest = streamDigest(config.chainId, config.address, peer, BigInt(after), BigInt(atMs));
    if (!/^0x[0-9a-f]{130}$/.test(sig) || !verifyDigestSignature(digest, sig as Hex, peer))
      return { ok: false, status: 401, refusal: "BAD_SIGNATURE", message: `not signed by ${peer}` };
    const skew = this.ctx.nowMs() - BigInt(atMs);
    if ((skew < 0n ? -skew : skew) > config.maxSkewMs)
      return { ok: false, status: 400, refusal: "STALE", message: `atMs is ${skew} ms from now` };
    return { ok: true, peer, after: BigInt(after) };
  }

  /** Streams until the follower goes away or the node stops. */
  async serve(req: http.IncomingMessage, res: http.ServerResponse, peer: Address, after: bigint): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    let cursor = after;
    let wake: (() => void) | null = null;
    let pending = false;
    const signal = () => {
      pending = true;
      wake?.();
    };
    const set = this.followers.get(peer) ?? new Set();
    this.followers.set(peer, set.add(signal));
    let open = true;
    req.on("close", () => {
      open = false;
      signal();
    });
    try {
      while (open && !this.stopped) {
        pending = false;
        const rows = await this.ctx.db.b2BLogEntry.findMany({
          where: { peer, direction: "sent", seq: { gt: cursor } },
          orderBy: { seq: "asc" },
          take: PAGE,
          select: { seq: true, envelope: true },
        });
        for (const r of rows) {
          res.write(`id: ${r.seq}\nevent: envelope\ndata: ${r.envelope}\n\n`);
          cursor = r.seq;
        }
        if (rows.length === PAGE || pending) continue;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
      }
    } finally {
      set.delete(signal);
      res.end();
    }
  }

  /** New envelopes to `peer` are durable. */
  wake(peer: Address): void {
    for (const f of this.followers.get(peer) ?? []) f();
  }

  /** Ends every stream (the node is stopping). */
  stop(): void {
    this.stopped = true;
    for (const set of this.followers.values()) for (const f of set) f();
    this.followers.clear();
  }
}
