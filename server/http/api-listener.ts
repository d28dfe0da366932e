/**
 * The app server's request routing (server/main.ts): `/api/trpc/*` is the API — the order-book
 * SSE fan-out for plain `feeds.book` subscriptions, the direct order entry for plain
 * `orders.place` calls, tRPC behind the request guard for the rest — and everything else goes
 * to `fallback` (Next.js in the app; a 404 in tests).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AuthDeps } from "../auth/deps";
import { TRPC_ENDPOINT } from "../api/handler";
import { serveBookStream } from "./book-stream";
import { readBody, serveWithFetchHandler, type BridgeOptions, type FetchHandler } from "./fetch-bridge";
import { ORDER_ENTRY_PATH, serveOrderEntry } from "./order-entry";

export interface ApiListenerOptions extends BridgeOptions {
  /** the tRPC handler (server/api/handler.ts createTrpcHandler) */
  api: FetchHandler;
  /** what the tRPC handler is given too (the direct order entry uses the same) */
  deps: () => AuthDeps;
  fallback(req: IncomingMessage, res: ServerResponse): void;
}

const API_PREFIX = TRPC_ENDPOINT + "/";

async function orderEntryOrTrpc(
  o: ApiListenerOptions,
  bridge: BridgeOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, bridge.maxBodyBytes + 1);
    if (await serveOrderEntry(req, res, body, o.deps())) return;
  } catch (error) {
    console.error("[http] order entry failed:", error);
    if (!res.headersSent)
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "Internal server error" } }));
    return;
  }
  await serveWithFetchHandler(o.api, req, res, bridge, body);
}

export function apiListener(o: ApiListenerOptions): RequestListener {
  const bridge: BridgeOptions = { origin: o.origin, maxBodyBytes: o.maxBodyBytes };
  return (req, res) => {
    if (!req.url?.startsWith(API_PREFIX)) return o.fallback(req, res);
    if (req.method === "POST" && req.url === ORDER_ENTRY_PATH) return void orderEntryOrTrpc(o, bridge, req, res);
    if (serveBookStream(req, res)) return;
    void serveWithFetchHandler(o.api, req, res, bridge);
  };
}
