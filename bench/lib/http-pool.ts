/**
 * The load generator's HTTP/1.1 client: keep-alive TCP connections, each request written as one
 * prepared buffer, each answer parsed just enough to know its status and body (Content-Length or
 * chunked). One request per connection at a time (no pipelining); requests wait in order for a
 * free connection.
 *
 * Why not node:http: the load generator shares the two cores with the server, and node:http's
 * client (agent, ClientRequest, IncomingMessage, header objects, streams) cost ~0.2 ms of CPU per
 * request — at 2,000 orders/s a fifth of the machine taken from the server it measures. This is
 * what wrk-like generators do: the server sees the same bytes on the wire.
 */
import net from "node:net";

export interface PoolAnswer {
  status: number;
  body: string;
}

interface Waiter {
  request: Buffer;
  resolve(a: PoolAnswer): void;
  reject(e: Error): void;
}

const CRLF2 = Buffer.from("\r\n\r\n");

/** The bytes of one request (Content-Length set from the body). */
export function requestBytes(
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body: string | null,
): Buffer {
  const payload = body === null ? null : Buffer.from(body, "utf8");
  const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (payload !== null) lines.push(`content-length: ${payload.byteLength}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return payload === null ? head : Buffer.concat([head, payload]);
}

class Connection {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private current: Waiter | null = null;
  /** answers read on this socket: a reused one may have been closed by the server meanwhile */
  private answered = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly idle: (c: Connection) => void,
  ) {}

  send(w: Waiter) {
    this.current = w;
    if (this.socket === null) this.open();
    this.socket!.write(w.request);
  }

  close() {
    this.socket?.destroy();
    this.socket = null;
  }

  private open() {
    const s = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = s;
    this.buf = Buffer.alloc(0);
    this.answered = 0;
    s.on("data", (chunk: Buffer) => this.onData(chunk));
    const fail = (why: string) => {
      if (this.socket !== s) return;
      this.socket = null;
      const w = this.current;
      if (w === null) return;
      if (this.answered > 0 && this.buf.byteLength === 0) {
        // an idle keep-alive socket the server closed as we wrote: once more on a new one, as HTTP clients do
        this.send(w);
        return;
      }
      this.current = null;
      w.reject(new Error(why));
      this.idle(this);
    };
    s.on("error", (e) => fail(e.message));
    s.on("close", () => fail("connection closed"));
  }

  private onData(chunk: Buffer) {
    this.buf = this.buf.byteLength === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const end = this.buf.indexOf(CRLF2);
    if (end < 0) return;
    const head = this.buf.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const lower = head.toLowerCase();
    const cl = /\r\ncontent-length: *(\d+)/.exec(lower);
    let body: string;
    let used: number;
    if (cl !== null) {
      const len = Number(cl[1]);
      if (this.buf.byteLength < end + 4 + len) return;
      body = this.buf.toString("utf8", end + 4, end + 4 + len);
      used = end + 4 + len;
    } else if (lower.includes("\r\ntransfer-encoding: chunked")) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const lineEnd = this.buf.indexOf("\r\n", at);
        if (lineEnd < 0) return;
        const size = parseInt(this.buf.toString("latin1", at, lineEnd), 16);
        if (this.buf.byteLength < lineEnd + 2 + size + 2) return;
        if (size === 0) {
          used = lineEnd + 4;
          break;
        }
        parts.push(this.buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
      }
      body = Buffer.concat(parts).toString("utf8");
    } else {
      body = "";
      used = end + 4;
    }
    this.buf = this.buf.subarray(used);
    this.answered++;
    const w = this.current!;
    this.current = null;
    if (/\r\nconnection: *close/.test(lower)) this.close();
    w.resolve({ status, body });
    this.idle(this);
  }
}

export class HttpPool {
  private readonly free: Connection[] = [];
  private readonly all: Connection[] = [];
  private readonly queue: Waiter[] = [];
  private head = 0;

  constructor(host: string, port: number, size: number) {
    for (let i = 0; i < size; i++) {
      const c = new Connection(host, port, (conn) => this.release(conn));
      this.all.push(c);
      this.free.push(c);
    }
  }

  send(request: Buffer): Promise<PoolAnswer> {
    return new Promise((resolve, reject) => {
      const w = { request, resolve, reject };
      const c = this.free.pop();
      if (c !== undefined) c.send(w);
      else this.queue.push(w);
    });
  }

  close() {
    for (const c of this.all) c.close();
  }

  private release(c: Connection) {
    if (this.head < this.queue.length) {
      const w = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      c.send(w);
    } else this.free.push(c);
  }
}
