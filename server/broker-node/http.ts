/**
 * The node's HTTP endpoint (node:http):
 *   POST /b2b        one envelope's wire text per request (core/b2b canonical JSON, ≤ MAX_WIRE_BYTES);
 *                    200 {accepted, seq} once it and its effect are durable, else 400/401/402/409/429
 *                    {refusal, message[, expectedSeq]} and nothing changed
 *   GET  /b2b/stream a peer's envelopes from this node as server-sent events (stream.ts)
 *   GET  /b2b/status public: the node's address, chain, log length and head, each peer's seqs
 *   POST /ops/send   loopback only: {peer, kind, body} — this node starts a call (initiator.ts)
 */
import http from "node:http";
import { MAX_WIRE_BYTES } from "../../core/b2b";
import type { NodeContext } from "./context";
import { sendCall } from "./initiator";
import type { Receiver } from "./receiver";
import type { StreamHub } from "./stream";

const OPS_MAX_BYTES = 16_384;
const DRAIN_LIMIT = 1 << 20;

function reply(res: http.ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Reads the body up to `max` bytes; null when it is longer. The excess is drained (so the caller
 * gets its refusal) up to DRAIN_LIMIT bytes, beyond which the connection is cut.
 */
function readText(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > DRAIN_LIMIT) req.destroy();
      else if (size <= max) chunks.push(c);
    });
    req.on("end", () => resolve(size > max ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    req.on("close", () => resolve(null));
  });
}

const isLoopback = (a: string | undefined) => a === "127.0.0.1" || a === "::1" || a === "::ffff:127.0.0.1";

export function b2bListener(ctx: NodeContext, receiver: Receiver, streams: StreamHub): http.RequestListener {
  return (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://node");
      if (req.method === "POST" && url.pathname === "/b2b") {
        const wire = await readText(req, MAX_WIRE_BYTES);
        if (wire === null)
          return reply(res, 400, { refusal: "OVERSIZED", message: `more than ${MAX_WIRE_BYTES} bytes` });
        const result = await receiver.receive(wire);
        return reply(res, result.status, result.body);
      }
      if (req.method === "GET" && url.pathname === "/b2b/stream") {
        const auth = streams.authenticate(url);
        if (!auth.ok) return reply(res, auth.status, { refusal: auth.refusal, message: auth.message });
        return streams.serve(req, res, auth.peer, auth.after);
      }
      if (req.method === "GET" && url.pathname === "/b2b/status") return reply(res, 200, status(ctx));
      if (req.method === "POST" && url.pathname === "/ops/send") {
        if (!isLoopback(req.socket.remoteAddress)) return reply(res, 403, { message: "ops: loopback only" });
        const text = await readText(req, OPS_MAX_BYTES);
        let input: { peer?: unknown; kind?: unknown; body?: unknown };
        try {
          input = JSON.parse(text ?? "") as typeof input;
        } catch {
          return reply(res, 400, { message: "not JSON" });
        }
        const sent = await sendCall(ctx, String(input.peer), Number(input.kind), input.body);
        return reply(res, sent.ok ? 200 : 400, sent);
      }
      reply(res, 404, { message: "not found" });
    })().catch((error: unknown) => {
      console.error("[broker-node] request failed:", error);
      if (!res.headersSent) reply(res, 500, { message: "internal error" });
    });
  };
}

function status(ctx: NodeContext) {
  const { config, ledger } = ctx;
  return {
    nodeId: config.nodeId,
    address: config.address,
    chainId: String(config.chainId),
    logLength: String(ledger.logLength()),
    logHead: ledger.logHead(),
    engineSeq: String(ctx.engine.status().sequence),
    peers: config.peers.map((p) => {
      const s = ledger.seqsOf(p.address);
      return { address: p.address, lastSeqIn: String(s.lastSeqIn), lastSeqOut: String(s.lastSeqOut) };
    }),
  };
}
