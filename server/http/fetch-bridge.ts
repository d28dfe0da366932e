/**
 * Serves a fetch-style handler (`Request` → `Response`, as tRPC's fetch adapter is) on Node's
 * own http server, without Next.js's route pipeline in between (see server/main.ts for why).
 *
 * - The body is read here, at most `maxBodyBytes + 1` bytes: the request guard then refuses an
 *   oversized one with its usual error instead of this reading an unbounded stream. A body whose
 *   declared Content-Length is over the limit is not read at all (the guard refuses it by that
 *   header), and an oversized answer closes the connection, so the rest is never read either.
 * - The socket's address is appended to X-Forwarded-For, as Next.js does, so the last hop is
 *   always one this server wrote (server/api/context.ts reads it for per-IP rate limits).
 * - A streamed response (SSE) is written chunk by chunk; when the client goes away the
 *   request's signal aborts, which ends tRPC's subscription.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { markBodyBuffered } from "../auth/request-guard";

export type FetchHandler = (req: Request) => Promise<Response>;

const EMPTY_AS_NULL = new TextEncoder().encode("null");

export interface BridgeOptions {
  /** e.g. http://localhost:3000: the URL the Request is given (the app's own origin). */
  origin: string;
  maxBodyBytes: number;
}

/** The body, at most `limit` bytes of it (enough for the guard to see it is too large). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, Math.min(size, limit)));
    req.on("data", (chunk: Buffer) => {
      if (size >= limit) return;
      size += chunk.byteLength;
      chunks.push(chunk);
      if (size >= limit) {
        // Enough to tell the guard it is too large; stop buffering the rest.
        req.pause();
        done();
      }
    });
    req.on("end", done);
    req.on("error", reject);
  });
}

/** True when the request declares a body longer than `maxBodyBytes`: refuse it without reading it. */
export function declaredTooLarge(req: IncomingMessage, maxBodyBytes: number): boolean {
  const declared = Number(req.headers["content-length"] ?? "NaN");
  return Number.isFinite(declared) && declared > maxBodyBytes;
}

/** The request's headers, with the socket address appended to X-Forwarded-For. */
export function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const remote = req.socket.remoteAddress;
  if (remote) headers.append("x-forwarded-for", remote);
  return headers;
}

/** Fetch-style headers as Node writes them (every Set-Cookie kept, not joined), added to `out`. */
export function nodeHeaders(
  headers: Headers,
  out: Record<string, string | string[]> = {},
): Record<string, string | string[]> {
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  return out;
}

async function writeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      // Backpressure: a slow SSE reader must not make this buffer without bound.
      if (!res.write(value)) await new Promise<void>((resolve) => res.once("drain", resolve).once("close", resolve));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Answers one request with `handler`; never rejects (a failure becomes a 500 or a closed socket).
 * `readAlready`: the body, when the caller has read it (readBody with the same limit).
 */
export async function serveWithFetchHandler(
  handler: FetchHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options: BridgeOptions,
  readAlready?: Buffer,
): Promise<void> {
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  // Only a GET can be a subscription (a stream to end when the client goes): the rest answer once.
  const controller = hasBody ? null : new AbortController();
  if (controller) res.once("close", () => controller.abort());
  try {
    const unread = hasBody && readAlready === undefined && declaredTooLarge(req, options.maxBodyBytes);
    // A Buffer is a Uint8Array over a plain ArrayBuffer here (never shared memory).
    const body = hasBody
      ? ((unread
          ? Buffer.alloc(0)
          : (readAlready ?? (await readBody(req, options.maxBodyBytes + 1)))) as Uint8Array<ArrayBuffer>)
      : undefined;
    // the rest of an oversized body is left unread: the connection ends with this answer
    const close = unread || (body !== undefined && body.byteLength > options.maxBodyBytes);
    const request = new Request(options.origin + (req.url ?? "/"), {
      method,
      headers: requestHeaders(req),
      // an empty body is read as JSON null, which the input transformer refuses naming the input
      // (tRPC would answer a bare JSON parse error), as the direct order entry does
      body: body?.byteLength === 0 ? EMPTY_AS_NULL : body,
      signal: controller?.signal,
    });
    if (body) markBodyBuffered(request, body.byteLength);
    const response = await handler(request);
    res.writeHead(response.status, nodeHeaders(response.headers, close ? { connection: "close" } : {}));
    if (response.body) {
      // A stream's headers go out at once (the client waits for them); an answer's go with its body.
      if (response.headers.get("content-type")?.startsWith("text/event-stream")) res.flushHeaders();
      await writeBody(response.body, res);
    }
    res.end();
  } catch (error) {
    if (controller?.signal.aborted || res.destroyed) return;
    console.error("[http] request failed:", error);
    if (!res.headersSent) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "Internal server error" } }));
    } else {
      res.destroy();
    }
  }
}
