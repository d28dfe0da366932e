/**
 * Order entry without tRPC's HTTP layer: a plain (not batched) `POST /api/trpc/orders.place`
 * — what API clients and trading bots send — is answered by calling the procedure itself.
 *
 * Everything that decides the answer is the same code as through tRPC: the request guard's
 * checks (`headerRefusal`, the body's length), the context (`createContext`: the session
 * read from the database), the procedure with its middlewares and input/output schemas
 * (`callTRPCProcedure` on the app router), tRPC's error shape and HTTP status, the transformer.
 * What is skipped is tRPC's generic request handling (URL and batch parsing, content-type
 * handlers, abort-signal plumbing) and the `Request`/`Response` objects around it: together
 * ~15% of the server thread per order at 2,000 orders/s (docs/adr/0006-direct-order-entry.md).
 *
 * Anything off the plain path — refused by the guard, a body that is not JSON — is handed back
 * (`false`) so tRPC answers it as always. server/http/http.integration.test.ts checks that both
 * paths send the same bytes for the same request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, transformTRPCResponse } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { AppServices } from "../api/services";
import { headerRefusal } from "../auth/request-guard";
import { createContext, type Context } from "../api/context";
import { deserializeInput } from "../api/input-transformer";
import { appRouter } from "../api/root";
import { nodeHeaders, requestHeaders } from "./fetch-bridge";

export const ORDER_ENTRY_PATH = "/api/trpc/orders.place";
const PROCEDURE = "orders.place";

let answered = 0;

/** Calls answered here since the process started (the rest went to tRPC). */
export function orderEntryAnswered(): number {
  return answered;
}

/** tRPC's answer to a single call: JSON, the same Vary, and what the procedure set (cookies). */
function send(res: ServerResponse, status: number, body: unknown, resHeaders: Headers) {
  const text = JSON.stringify(body);
  // with its length known the answer goes out as one write, not chunked
  res.writeHead(
    status,
    nodeHeaders(resHeaders, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      vary: "trpc-accept, accept",
    }),
  );
  res.end(text);
}

/**
 * Answers `req` (whose body was read: `body`) if it is a plain orders.place call that passes the
 * guard; false: not handled, nothing written — give it to tRPC.
 */
export async function serveOrderEntry(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  services: AppServices,
): Promise<boolean> {
  const deps = services.auth;
  const guard = { appOrigin: deps.appUrl.origin, maxBodyBytes: deps.maxBodyBytes };
  if (
    body.byteLength > guard.maxBodyBytes ||
    headerRefusal((name) => req.headers[name] as string | undefined, guard) !== null
  )
    return false;
  let raw: unknown;
  try {
    // no body at all: JSON null, refused by the input transformer naming the input (as through tRPC)
    raw = body.byteLength === 0 ? null : JSON.parse(body.toString("utf8"));
  } catch {
    return false;
  }
  answered++;
  const config = appRouter._def._config;
  const resHeaders = new Headers();
  let ctx: Context | undefined;
  let input: unknown;
  try {
    ctx = await createContext(requestHeaders(req), resHeaders, services);
    const data = await callTRPCProcedure({
      router: appRouter,
      path: PROCEDURE,
      // checked and decoded once (in place: `raw` was parsed for this call alone), or refused as
      // INVALID_INPUT naming the field (400)
      getRawInput: async () => (input ??= deserializeInput(raw)),
      ctx,
      type: "mutation",
      signal: undefined,
      batchIndex: 0,
    });
    send(res, 200, transformTRPCResponse(config, { result: { data } }), resHeaders);
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    if (error.code === "INTERNAL_SERVER_ERROR") console.error(`[trpc] ${PROCEDURE}:`, error.cause ?? error);
    const shape = getTRPCErrorShape({ config, ctx, error, input, path: PROCEDURE, type: "mutation" });
    send(res, getHTTPStatusCodeFromError(error), transformTRPCResponse(config, { error: shape }), resHeaders);
  }
  return true;
}
