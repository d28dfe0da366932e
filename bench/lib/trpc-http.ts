/**
 * A lean tRPC-over-HTTP client for the benches: keep-alive node:http sockets, superjson on the
 * wire (the server's transformer), non-batched calls. Mutations are POSTs with JSON and our
 * Origin (the request guard refuses anything else); queries are GETs with `?input=`.
 * Not @trpc/client: the load generator shares the machine with the server, so the client's own
 * work per request is kept to a JSON.stringify and a socket write.
 */
import http from "node:http";
import superjson from "superjson";
import { HttpPool, requestBytes } from "./http-pool";

export interface RawAnswer {
  status: number;
  body: string;
  setCookie: string[];
}

export class TrpcError extends Error {
  constructor(
    readonly path: string,
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${path}: ${status} ${code}: ${message}`);
  }
}

export class TrpcHttp {
  readonly agent: http.Agent;
  /** the load generator's connections (bench/lib/http-pool.ts), opened on first use */
  private loadPool: HttpPool | null = null;
  private readonly maxSockets: number;
  private readonly origin: string;
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly appUrl: string,
    options: { maxSockets?: number } = {},
  ) {
    const u = new URL(appUrl);
    this.origin = u.origin;
    this.host = u.hostname === "localhost" ? "127.0.0.1" : u.hostname;
    this.port = Number(u.port || 80);
    this.maxSockets = options.maxSockets ?? 64;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: this.maxSockets, scheduling: "fifo" });
  }

  /** The exact bytes `post(path, body, cookie)` sends, built ahead of a timed run. */
  prepare(path: string, body: string, cookie: string | null): Buffer {
    const headers: Record<string, string> = {
      host: new URL(this.appUrl).host,
      "content-type": "application/json",
      origin: this.origin,
    };
    if (cookie) headers.cookie = cookie;
    return requestBytes("POST", `/api/trpc/${path}`, headers, body);
  }

  /** Sends prepared bytes on the load generator's keep-alive connections. */
  sendPrepared(request: Buffer): Promise<{ status: number; body: string }> {
    this.loadPool ??= new HttpPool(this.host, this.port, this.maxSockets);
    return this.loadPool.send(request);
  }

  /** The body of a mutation with this input, to build ahead of a timed run. */
  static body(input: unknown): string {
    return JSON.stringify(superjson.serialize(input));
  }

  /** POST a prepared body to /api/trpc/<path>. */
  post(path: string, body: string, cookie: string | null): Promise<RawAnswer> {
    const headers: http.OutgoingHttpHeaders = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      origin: this.origin,
      host: new URL(this.appUrl).host,
    };
    if (cookie) headers.cookie = cookie;
    return this.send({ method: "POST", path: `/api/trpc/${path}`, headers }, body);
  }

  get(pathAndQuery: string, cookie: string | null): Promise<RawAnswer> {
    const headers: http.OutgoingHttpHeaders = { host: new URL(this.appUrl).host };
    if (cookie) headers.cookie = cookie;
    return this.send({ method: "GET", path: pathAndQuery, headers }, null);
  }

  private send(options: http.RequestOptions, body: string | null): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...options, host: this.host, port: this.port, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const sc = res.headers["set-cookie"];
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookie: sc ?? [] });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  }

  async mutation<T>(path: string, input: unknown, cookie: string | null = null): Promise<T> {
    return decodeAnswer<T>(path, await this.post(path, TrpcHttp.body(input), cookie));
  }

  async mutationWithCookies<T>(
    path: string,
    input: unknown,
    cookie: string | null = null,
  ): Promise<{ data: T; setCookie: string[] }> {
    const a = await this.post(path, TrpcHttp.body(input), cookie);
    return { data: decodeAnswer<T>(path, a), setCookie: a.setCookie };
  }

  async query<T>(path: string, input: unknown, cookie: string | null = null): Promise<T> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(TrpcHttp.body(input))}`;
    return decodeAnswer<T>(path, await this.get(`/api/trpc/${path}${q}`, cookie));
  }

  close(): void {
    this.agent.destroy();
    this.loadPool?.close();
  }
}

/** The procedure's answer, or a TrpcError with tRPC's code and message. */
export function decodeAnswer<T>(path: string, a: RawAnswer): T {
  let parsed: { result?: { data: unknown }; error?: { json?: { message?: string; data?: { code?: string } } } };
  try {
    parsed = JSON.parse(a.body) as typeof parsed;
  } catch {
    throw new TrpcError(path, a.status, "NOT_JSON", a.body.slice(0, 200));
  }
  if (parsed.error || !parsed.result) {
    const e = parsed.error?.json;
    throw new TrpcError(path, a.status, e?.data?.code ?? "UNKNOWN", e?.message ?? a.body.slice(0, 200));
  }
  return superjson.deserialize(parsed.result.data as Parameters<typeof superjson.deserialize>[0]) as T;
}
