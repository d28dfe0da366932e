/**
 * The PGlite thread's short path for the order path's journal write: a named prepared statement
 * run with PostgreSQL's own wire protocol (Bind, Execute, Sync) through PGlite's raw protocol
 * entry, instead of `pglite.query`.
 *
 * Why: `pglite.query` re-parses and re-plans the SQL on every call, measures the UTF-8 length of
 * the (large) JSON parameter character by character in JavaScript, copies it through a growing
 * buffer, and parses the reply into objects. For the journal batch that was half of the call's
 * cost on the PGlite thread (167 → 84 µs for a 5 KB batch) and most of its garbage: the thread's
 * young-generation collections then held the journal write 5–17 ms about once a second
 * (docs/adr/0003-journal-batch-over-wire-protocol.md).
 *
 * Only text parameters (strings or null) take this path; the caller falls back to `pglite.query`
 * for anything else. Semantics are those of `query`: one statement in its own implicit
 * transaction, the rows affected, the database's error as an Error, NOTIFY payloads delivered.
 *
 * Imports no project module and only types from PGlite, and uses no TypeScript that needs more than
 * erasing (no parameter properties): it runs on the worker thread, where tests load it with Node's
 * own type stripping.
 */
import type { PGlite } from "@electric-sql/pglite";

/** A statement's outcome, read from the backend's reply. */
export interface WireOutcome {
  /** rows affected (INSERT, UPDATE, DELETE, MERGE, COPY), as `pglite.query` counts them */
  affectedRows: number;
  /** the statement was parsed (ParseComplete) in this exchange */
  parsed: boolean;
  /** the first ErrorResponse, if any */
  error: WireError | null;
  notifications: { channel: string; payload: string }[];
}

/** An ErrorResponse: the message, SQLSTATE and detail PostgreSQL sent. */
export class WireError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  constructor(message: string, code: string | undefined, detail: string | undefined) {
    super(message);
    this.name = "DatabaseError";
    this.code = code;
    this.detail = detail;
  }
}

const ZERO = 0;

function cstringLength(s: string): number {
  return Buffer.byteLength(s, "utf8") + 1;
}

function writeCString(b: Buffer, at: number, s: string): number {
  const n = b.write(s, at, "utf8");
  b[at + n] = ZERO;
  return at + n + 1;
}

/** Parse: the statement `name` for `sql`, parameter types inferred from the SQL's casts. */
export function parseMessage(name: string, sql: string): Buffer {
  if (sql.includes("\0") || name.includes("\0"))
    throw new Error("a statement's name and SQL cannot contain a NUL character");
  const body = 4 + cstringLength(name) + cstringLength(sql) + 2;
  const b = Buffer.allocUnsafe(1 + body);
  b[0] = 0x50; // 'P'
  b.writeInt32BE(body, 1);
  let at = writeCString(b, 5, name);
  at = writeCString(b, at, sql);
  b.writeInt16BE(0, at);
  return b;
}

/** Bind (unnamed portal, text parameters, text results) + Execute (all rows) + Sync, as one buffer. */
export function bindExecuteSync(name: string, params: readonly (string | null)[]): Buffer {
  let paramBytes = 0;
  for (const p of params) paramBytes += 4 + (p === null ? 0 : Buffer.byteLength(p, "utf8"));
  const bind = 4 + 1 + cstringLength(name) + 2 + 2 + paramBytes + 2;
  const b = Buffer.allocUnsafe(1 + bind + 10 + 5);
  b[0] = 0x42; // 'B'
  b.writeInt32BE(bind, 1);
  b[5] = ZERO; // unnamed portal
  let at = writeCString(b, 6, name);
  at = b.writeInt16BE(0, at); // no format codes: every parameter is text
  at = b.writeInt16BE(params.length, at);
  for (const p of params) {
    if (p === null) {
      at = b.writeInt32BE(-1, at);
      continue;
    }
    const n = b.write(p, at + 4, "utf8");
    b.writeInt32BE(n, at);
    at += 4 + n;
  }
  at = b.writeInt16BE(0, at); // results as text
  b[at] = 0x45; // 'E'
  at = b.writeInt32BE(9, at + 1);
  b[at] = ZERO; // unnamed portal
  at = b.writeInt32BE(0, at + 1); // no row limit
  b[at] = 0x53; // 'S'
  b.writeInt32BE(4, at + 1);
  return b;
}

function readCString(b: Buffer, at: number): [string, number] {
  const end = b.indexOf(ZERO, at);
  if (end < 0) throw new Error("malformed reply: unterminated string");
  return [b.toString("utf8", at, end), end + 1];
}

const COUNTED = new Set(["INSERT", "UPDATE", "DELETE", "COPY", "MERGE"]);

/** Reads a backend reply (a sequence of messages up to ReadyForQuery). */
export function readReply(b: Buffer): WireOutcome {
  const out: WireOutcome = { affectedRows: 0, parsed: false, error: null, notifications: [] };
  let at = 0;
  while (at < b.length) {
    if (at + 5 > b.length) throw new Error("malformed reply: truncated message header");
    const type = b[at]!;
    const end = at + 1 + b.readInt32BE(at + 1);
    if (end > b.length) throw new Error("malformed reply: truncated message");
    const body = at + 5;
    switch (type) {
      case 0x31: // '1' ParseComplete
        out.parsed = true;
        break;
      case 0x43: {
        // 'C' CommandComplete: "INSERT 0 3", "UPDATE 2", "SELECT 1"
        const words = readCString(b, body)[0].split(" ");
        if (COUNTED.has(words[0]!)) out.affectedRows += Number.parseInt(words[words.length - 1]!, 10);
        break;
      }
      case 0x45: {
        // 'E' ErrorResponse: (field type, string)*, 0
        const fields = new Map<number, string>();
        let f = body;
        while (f < end && b[f] !== ZERO) {
          const [value, next] = readCString(b, f + 1);
          fields.set(b[f]!, value);
          f = next;
        }
        out.error ??= new WireError(fields.get(0x4d) ?? "database error", fields.get(0x43), fields.get(0x44)); // 'M', 'C', 'D'
        break;
      }
      case 0x41: {
        // 'A' NotificationResponse: pid, channel, payload
        const [channel, next] = readCString(b, body + 4);
        out.notifications.push({ channel, payload: readCString(b, next)[0] });
        break;
      }
      // BindComplete, DataRow, NoData, NoticeResponse, ParameterStatus, ReadyForQuery: nothing to keep
    }
    at = end;
  }
  return out;
}

/**
 * Text-parameter statements on one PGlite instance as named prepared statements: parsed once,
 * then only bound and executed. Calls must not overlap each other or other use of the instance
 * (the worker runs one call at a time).
 */
export class PreparedStatements {
  private readonly names = new Map<string, string>();
  private readonly pglite: PGlite;
  /** NOTIFY payloads in a reply (PGlite's own listeners do not see replies read this way) */
  private readonly onNotify: (channel: string, payload: string) => void;

  constructor(pglite: PGlite, onNotify: (channel: string, payload: string) => void) {
    this.pglite = pglite;
    this.onNotify = onNotify;
  }

  async execute(sql: string, params: readonly (string | null)[]): Promise<number> {
    let name = this.names.get(sql);
    const parse = name === undefined;
    name ??= `clearline_${this.names.size + 1}`;
    const run = bindExecuteSync(name, params);
    const message = parse ? Buffer.concat([parseMessage(name, sql), run]) : run;
    const chunks: Buffer[] = [];
    // the chunks are views of PGlite's memory: copied before the next write reuses it
    await this.pglite.execProtocolRawStream(message, { onRawData: (bytes) => void chunks.push(Buffer.from(bytes)) });
    const reply = readReply(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    if (parse && reply.parsed) this.names.set(sql, name);
    for (const n of reply.notifications) this.onNotify(n.channel, n.payload);
    if (reply.error !== null) throw reply.error;
    return reply.affectedRows;
  }
}
