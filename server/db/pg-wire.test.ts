import { describe, expect, it } from "vitest";
import { bindExecuteSync, parseMessage, readReply, WireError } from "./pg-wire";

/** one backend message: type, length, body */
function msg(type: string, ...parts: (Buffer | string | number)[]): Buffer {
  const body = Buffer.concat(
    parts.map((p) =>
      typeof p === "number" ? Buffer.from([0, 0, 0, p]) : typeof p === "string" ? Buffer.from(`${p}\0`) : p,
    ),
  );
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}

describe("PostgreSQL wire messages for prepared statements", () => {
  it("Parse: name, SQL, no declared parameter types", () => {
    expect(parseMessage("s1", "SELECT $1::jsonb")).toEqual(
      Buffer.concat([
        Buffer.from("P"),
        Buffer.from([0, 0, 0, 26]),
        Buffer.from("s1\0SELECT $1::jsonb\0"),
        Buffer.from([0, 0]),
      ]),
    );
    expect(() => parseMessage("s1", "SELECT '\0'")).toThrow("NUL");
  });

  it("Bind + Execute + Sync: text parameters in UTF-8 with their byte length, NULL as -1", () => {
    const b = bindExecuteSync("s1", ["é", null]);
    const bind = Buffer.concat([
      Buffer.from("B"),
      Buffer.from([0, 0, 0, 24]),
      Buffer.from("\0s1\0"), // unnamed portal, statement
      Buffer.from([0, 0, 0, 2]), // no format codes, two parameters
      Buffer.from([0, 0, 0, 2, 0xc3, 0xa9]), // "é": two bytes
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // NULL
      Buffer.from([0, 0]), // text results
    ]);
    const executeSync = Buffer.concat([
      Buffer.from("E"),
      Buffer.from([0, 0, 0, 9, 0, 0, 0, 0, 0]),
      Buffer.from("S"),
      Buffer.from([0, 0, 0, 4]),
    ]);
    expect(b).toEqual(Buffer.concat([bind, executeSync]));
  });

  it("reads a reply: parsed, rows affected as pglite.query counts them, notifications", () => {
    const reply = readReply(
      Buffer.concat([
        msg("1"),
        msg("2"),
        msg("A", 7, "chan", "payload"),
        msg("C", "INSERT 0 3"),
        msg("Z", Buffer.from("I")),
      ]),
    );
    expect(reply).toEqual({
      affectedRows: 3,
      parsed: true,
      error: null,
      notifications: [{ channel: "chan", payload: "payload" }],
    });
    expect(
      readReply(
        Buffer.concat([
          msg("2"),
          msg("D", Buffer.from([0, 1, 0, 0, 0, 1, 0x31])),
          msg("C", "SELECT 1"),
          msg("Z", Buffer.from("I")),
        ]),
      ).affectedRows,
    ).toBe(0);
  });

  it("reads an ErrorResponse: message, SQLSTATE and detail; the first error is the one reported", () => {
    const error = msg("E", Buffer.from("SERROR\0C23505\0Mduplicate key\0DKey (k)=(a) already exists.\0\0"));
    const second = msg("E", Buffer.from("SERROR\0C25P02\0Mcurrent transaction is aborted\0\0"));
    const reply = readReply(Buffer.concat([msg("1"), msg("2"), error, second, msg("Z", Buffer.from("I"))]));
    expect(reply.error).toBeInstanceOf(WireError);
    expect(reply.error).toMatchObject({
      name: "DatabaseError",
      message: "duplicate key",
      code: "23505",
      detail: "Key (k)=(a) already exists.",
    });
  });

  it("refuses a truncated reply instead of misreading it", () => {
    const whole = msg("C", "INSERT 0 3");
    expect(() => readReply(whole.subarray(0, whole.length - 2))).toThrow("truncated message");
    expect(() => readReply(whole.subarray(0, 3))).toThrow("truncated message header");
  });
});
