/**
 * The app server's request routing (server/main.ts): `/api/trpc/*` is the API — the order-book
 * SSE fan-out for plain `feeds.book` subscriptions, tRPC behind the request guard for the rest
 * — and everything else goes to `fallback` (Next.js in the app; a 404 in tests).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { TRPC_ENDPOINT } from "../api/handler";
import { serveBookStream } from "./book-stream";
import { serveWithFetchHandler, type BridgeOptions, type FetchHandler } from "./fetch-bridge";

export interface ApiListenerOptions extends BridgeOptions {
  /** the tRPC handler (server/api/handler.ts createTrpcHandler) */
  api: FetchHandler;
  fallback(req: IncomingMessage, res: ServerResponse): void;
}

const API_PREFIX = TRPC_ENDPOINT + "/";

export function apiListener(o: ApiListenerOptions): RequestListener {
  const bridge: BridgeOptions = { origin: o.origin, maxBodyBytes: o.maxBodyBytes };
  return (req, res) => {
    if (!req.url?.startsWith(API_PREFIX)) return o.fallback(req, res);
    if (serveBookStream(req, res)) return;
    void serveWithFetchHandler(o.api, req, res, bridge);
  };
}
