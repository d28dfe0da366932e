/**
 * Raw SSE subscribers for tRPC subscriptions (httpSubscriptionLink's protocol): one
 * `GET /api/trpc/<path>?input=<superjson JSON>` with `Accept: text/event-stream` per subscriber,
 * on its own socket, parsing the event stream by hand. Data events carry
 * `JSON.stringify(superjson.serialize(value))`; `connected` / `ping` / `return` events are named.
 */
import http from "node:http";
import { TrpcHttp } from "./trpc-http";

export interface SseSubscriber {
  /** resolves when the first data event arrived */
  first: Promise<void>;
  close(): void;
}

/** Subscribe; `onData(json, receivedAtMs)` gets each data event's superjson `json` part and the wall-clock receive time. */
export function subscribe(
  appUrl: string,
  path: string,
  input: unknown,
  onData: (json: unknown, receivedAtMs: number) => void,
  onEnd?: (why: string) => void,
): SseSubscriber {
  const u = new URL(appUrl);
  let resolveFirst!: () => void;
  let rejectFirst!: (e: Error) => void;
  const first = new Promise<void>((res, rej) => {
    resolveFirst = res;
    rejectFirst = rej;
  });
  let gotFirst = false;
  let closed = false;
  const req = http.request(
    {
      host: u.hostname === "localhost" ? "127.0.0.1" : u.hostname,
      port: Number(u.port || 80),
      path: `/api/trpc/${path}?input=${encodeURIComponent(TrpcHttp.body(input))}`,
      method: "GET",
      agent: false,
      headers: { host: u.host, accept: "text/event-stream", "cache-control": "no-cache" },
    },
    (res) => {
      if (res.statusCode !== 200) {
        rejectFirst(new Error(`${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      res.setEncoding("utf8");
      let buf = "";
      res.on("data", (chunk: string) => {
        const at = Date.now();
        buf += chunk;
        let end: number;
        while ((end = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, end);
          buf = buf.slice(end + 2);
          let event = "message";
          let data = "";
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) event = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trimStart();
          }
          if (event !== "message" || data === "") continue;
          const parsed = JSON.parse(data) as { json?: unknown };
          onData(parsed.json, at);
          if (!gotFirst) {
            gotFirst = true;
            resolveFirst();
          }
        }
      });
      res.on("end", () => {
        if (!closed) onEnd?.("the server ended the stream");
        if (!gotFirst) rejectFirst(new Error(`${path}: stream ended before any data`));
      });
      res.on("error", () => undefined);
    },
  );
  req.on("error", (e) => {
    if (!closed) onEnd?.(e.message);
    if (!gotFirst) rejectFirst(e);
  });
  req.end();
  return {
    first,
    close() {
      closed = true;
      req.destroy();
    },
  };
}
