/**
 * The app server's request routing (server/main.ts): `/api/trpc/*` is the API — the order-book
 * SSE fan-out for plain `feeds.book` subscriptions, the direct order entry for plain
 * `orders.place` calls, tRPC behind the request guard for the rest — and everything else goes
 * to `fallback` (Next.js in the app; a 404 in tests).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AppServices } from "../api/services";
import { createTrpcHandler, TRPC_ENDPOINT } from "../api/handler";
import { createBookStream } from "./book-stream";
import {
  declaredTooLarge,
  readBody,
  serveWithFetchHandler,
  type BridgeOptions,
  type FetchHandler,
} from "./fetch-bridge";
import { ORDER_ENTRY_PATH, serveOrderEntry } from "./order-entry";

export interface ApiListenerOptions {
  /** the server's parts (server/app-services.ts), handed to every procedure through its context */
  services: AppServices;
  /** every other request (Next.js in the app; a 404 in tests) */
  fallback(req: IncomingMessage, res: ServerResponse): void;
}

const API_PREFIX = TRPC_ENDPOINT + "/";

async function orderEntryOrTrpc(
  o: ApiListenerOptions,
  api: FetchHandler,
  bridge: BridgeOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req, bridge.maxBodyBytes + 1);
    if (await serveOrderEntry(req, res, body, o.services)) return;
  } catch (error) {
    console.error("[http] order entry failed:", error);
    if (!res.headersSent)
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "Internal server error" } }));
    return;
  }
  await serveWithFetchHandler(api, req, res, bridge, body);
}

/** The API's request listener; `bookStreamSubscribers()` counts the fan-out's subscribers (tests, health). */
export function apiListener(o: ApiListenerOptions): RequestListener & { bookStreamSubscribers(): number } {
  const auth = o.services.auth;
  const bridge: BridgeOptions = { origin: auth.appUrl.origin, maxBodyBytes: auth.maxBodyBytes };
  const api = createTrpcHandler(o.services);
  const books = createBookStream(o.services);
  const listener: RequestListener = (req, res) => {
    if (!req.url?.startsWith(API_PREFIX)) return o.fallback(req, res);
    // the pages get theirs from next.config.ts; every API answer is JSON or an event stream
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "strict-origin-when-cross-origin");
    if (req.method === "POST" && req.url === ORDER_ENTRY_PATH && !declaredTooLarge(req, bridge.maxBodyBytes))
      return void orderEntryOrTrpc(o, api, bridge, req, res);
    if (books.serve(req, res)) return;
    void serveWithFetchHandler(api, req, res, bridge);
  };
  return Object.assign(listener, { bookStreamSubscribers: () => books.subscribers() });
}
