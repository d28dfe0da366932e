/**
 * Refuses, before tRPC parses anything, the requests a browser can be tricked into sending:
 * every POST (tRPC sends every mutation as a POST; method override stays off) must come from
 * the app's own origin, as JSON, and be at most maxBodyBytes long. A cross-site HTML form can
 * send neither JSON nor our Origin; a cross-site fetch with JSON needs a CORS preflight we
 * never grant.
 */
import { ClearlineError } from "../../core/errors";

/** A refusal is a ClearlineError like any other: the one error map gives it its HTTP status. */
export type GuardResult = { ok: true; req: Request } | { ok: false; error: ClearlineError };

/**
 * Requests whose body the server already read into memory, with its exact length (the app
 * server's bridge, server/http/fetch-bridge.ts, reads at most maxBodyBytes + 1): the guard then
 * checks that length instead of reading the body a second time into a new Request.
 */
const bufferedBodies = new WeakMap<Request, number>();

export function markBodyBuffered(req: Request, byteLength: number): void {
  bufferedBodies.set(req, byteLength);
}

export interface GuardOptions {
  /** e.g. http://localhost:3000 */
  appOrigin: string;
  maxBodyBytes: number;
}

/**
 * The checks on a POST's headers (a header getter, so the app server's own order entry can use
 * them on Node's request without building a `Request`): null when they pass.
 */
export function headerRefusal(
  header: (name: string) => string | null | undefined,
  options: GuardOptions,
): ClearlineError | null {
  const refuse = (code: "FORBIDDEN", message: string, details: Record<string, string>) =>
    new ClearlineError(code, message, details);
  const origin = header("origin") ?? null;
  const fetchSite = header("sec-fetch-site") ?? null;
  if (origin !== null) {
    if (origin !== options.appOrigin) {
      return refuse(
        "FORBIDDEN",
        `Cross-site request refused: origin ${origin} may not call this API (only ${options.appOrigin}).`,
        { header: "origin", got: origin, expected: options.appOrigin },
      );
    }
  } else if (fetchSite !== "same-origin") {
    return refuse(
      "FORBIDDEN",
      `Request refused: send an Origin header of ${options.appOrigin} (or Sec-Fetch-Site: same-origin) with every mutation.`,
      { header: "origin", expected: options.appOrigin },
    );
  }
  const contentType = header("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  if (contentType !== "application/json") {
    return refuse(
      "FORBIDDEN",
      `Request refused: mutations must be sent as content-type application/json (got ${contentType || "none"}).`,
      { header: "content-type", got: contentType || "none", expected: "application/json" },
    );
  }
  const declared = Number(header("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > options.maxBodyBytes) return tooLargeError(options);
  return null;
}

export function tooLargeError(options: GuardOptions): ClearlineError {
  return new ClearlineError(
    "PAYLOAD_TOO_LARGE",
    `Request body too large: the limit is ${options.maxBodyBytes} bytes.`,
    {
      maxBodyBytes: options.maxBodyBytes,
    },
  );
}

export async function guardRequest(req: Request, options: GuardOptions): Promise<GuardResult> {
  if (req.method !== "POST") return { ok: true, req };
  const refused = headerRefusal((name) => req.headers.get(name), options);
  if (refused) return { ok: false, error: refused };
  const tooLarge = (): GuardResult => ({ ok: false, error: tooLargeError(options) });
  const buffered = bufferedBodies.get(req);
  if (buffered !== undefined) return buffered > options.maxBodyBytes ? tooLarge() : { ok: true, req };
  // Content-Length may be absent (chunked) or wrong: count what actually arrives.
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBodyBytes) {
        await reader.cancel();
        return tooLarge();
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  return { ok: true, req: new Request(req.url, { method: "POST", headers: req.headers, body, signal: req.signal }) };
}

/**
 * What tRPC is given in place of a refused request: an empty JSON POST to the same URL (the
 * refused body is never parsed). Context creation then throws the refusal, so the client gets
 * tRPC's usual error shape for every call in the batch.
 */
export function standInRequest(req: Request): Request {
  return new Request(req.url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
}
