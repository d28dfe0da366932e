/**
 * Issue 20 over real loopback sockets, through the app server's own routing (api-listener.ts):
 * the direct order entry and tRPC's handler behind the request guard, a real database and the
 * engine runtime. SECURITY attacks 15 (the direct order path), 17 (oversized numbers) and 19
 * (malformed transport input), and the small leaks of item 10. Rate limits and parallel spends:
 * rate-limits.integration.test.ts.
 */
import net from "node:net";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it, inject, vi } from "vitest";
import { TRADERS } from "../engine/testing";
import { APP, call, post, placeInput, startApiHarness, WETH, type ApiHarness, type Reply } from "./testing";

const PORT = 8851;
const serverUrl = inject("testDatabaseUrl");
const [ALICE, BOB] = TRADERS;
let h: ApiHarness;

const journalSize = (x: ApiHarness) => x.t.handle.db.journalEntry.count();

beforeAll(async () => {
  h = await startApiHarness(serverUrl);
  await h.listen(PORT);
});
afterAll(async () => h?.close());

describe(`issue 20 over HTTP: bounds, transport, leaks (${serverUrl ? "PostgreSQL" : "PGlite"}, loopback sockets)`, () => {
  it("attack 17: a 64,001-digit size or price is refused with 400 naming the field, before the sequencer or the journal, on the direct order path and through tRPC", async () => {
    const cookie = await h.signedIn(ALICE!);
    const before = { journal: await journalSize(h), seq: h.rt.status().sequence };
    const huge = "9".repeat(64_001);
    for (const field of ["size", "price"]) {
      const json = { ...(superjson.serialize(placeInput()).json as Record<string, unknown>), [field]: huge };
      const meta = { values: { size: ["bigint"], price: ["bigint"] } };
      const body = JSON.stringify({ json, meta });
      expect(body.length).toBeLessThan(65_536);
      for (const path of ["orders.place", "orders.place?batch=1"]) {
        const r = await post(PORT, path, path.includes("batch") ? JSON.stringify({ 0: { json, meta } }) : body, {
          cookie,
        });
        expect(r.status, `${field} via ${path}`).toBe(400);
        expect(r.error?.data.clearline?.details.field, `${field} via ${path}`).toBe(field);
      }
    }
    // within uint256 but beyond what the market can count: refused by the market's bounds
    const beyond = [
      { over: { size: 10n ** 60n }, field: "size", code: "SIZE_OUT_OF_RANGE" },
      { over: { price: 10n ** 60n }, field: "price", code: "PRICE_OUT_OF_RANGE" },
      { over: { type: "stopLimit", triggerPrice: 10n ** 60n }, field: "triggerPrice", code: "PRICE_OUT_OF_RANGE" },
    ];
    for (const b of beyond) {
      const r = await call(PORT, "orders.place", placeInput(b.over), cookie);
      expect(r.status, b.field).toBe(400);
      expect(r.error?.data.clearline).toMatchObject({ clearlineCode: b.code, details: { field: b.field } });
    }
    const tpsl = await call(
      PORT,
      "orders.setTpSl",
      { idempotencyKey: "tpsl-bound-1", market: "ETH-PERP", takeProfit: 10n ** 60n, stopLoss: null },
      cookie,
    );
    expect(tpsl.error?.data.clearline).toMatchObject({
      clearlineCode: "PRICE_OUT_OF_RANGE",
      details: { field: "takeProfit" },
    });
    // beyond uint256: the schema refuses it, for orders and for chain amounts alike
    const tooBig = 1n << 256n;
    const place = await call(PORT, "orders.place", placeInput({ size: tooBig }), cookie);
    expect(place.error?.data.zodIssues).toEqual([{ path: "size", message: "at most 2^256 - 1" }]);
    const withdraw = await call(
      PORT,
      "channel.requestWithdraw",
      { token: "0x5FbDB2315678afecb367f032d93F642f64180aa3", amount: tooBig },
      cookie,
    );
    expect(withdraw.status).toBe(400);
    expect(withdraw.error?.data.zodIssues?.[0]?.path).toBe("amount");
    expect({ journal: await journalSize(h), seq: h.rt.status().sequence }).toEqual(before);
  });

  it("attack 19: malformed superjson, an empty body and deep nesting get 400 naming the field on every path, never 500 or a logged stack", async () => {
    const cookie = await h.signedIn(ALICE!);
    const errors = vi.spyOn(console, "error");
    const valid = superjson.serialize(placeInput()) as { json: Record<string, unknown>; meta: unknown };
    // written as text: JSON.stringify itself would overflow the stack on 8,000 levels
    const deep = `${'{"x":'.repeat(8_000)}{}${"}".repeat(8_000)}`;
    const validJson = JSON.stringify(valid.json);
    const cases: { name: string; payload: unknown; field: string }[] = [
      { name: "bigint NaN", payload: { json: { ...valid.json, size: "NaN" }, meta: valid.meta }, field: "size" },
      { name: "bigint 1e18", payload: { json: { ...valid.json, size: "1e18" }, meta: valid.meta }, field: "size" },
      {
        name: "unknown transformation",
        payload: { json: valid.json, meta: { values: { size: ["weird"], price: ["bigint"] } } },
        field: "size",
      },
      { name: "8,000-deep meta", payload: `{"json":${validJson},"meta":{"values":${deep}}}`, field: "meta" },
      {
        name: "8,000-deep json",
        payload: `{"json":${validJson.replace(/}$/, `,"clientOrderId":${deep}}`)}}`,
        field: "clientOrderId",
      },
    ];
    for (const c of cases) {
      const body = typeof c.payload === "string" ? c.payload : JSON.stringify(c.payload);
      for (const path of ["orders.place", "orders.place?batch=1", "orders.cancel"]) {
        const r = await post(PORT, path, path.includes("batch") ? `{"0":${body}}` : body, { cookie });
        expect(r.status, `${c.name} via ${path}`).toBe(400);
        expect(String(r.error?.data.clearline?.details.field), `${c.name} via ${path}`).toMatch(
          new RegExp(`^${c.field}`),
        );
      }
    }
    for (const path of ["orders.place", "orders.cancel"]) {
      const empty = await post(PORT, path, "", { cookie });
      expect(empty.status, `empty body via ${path}`).toBe(400);
      expect(empty.error?.data.code).toBe("BAD_REQUEST");
      expect(empty.error?.data.clearline?.details.field).toBe("input");
      const notJson = await post(PORT, path, "{", { cookie });
      expect(notJson.status, `not JSON via ${path}`).toBe(400);
    }
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it("attack 15 on the direct order path: a cross-site form post, a missing origin, an oversized body and no session are refused before the engine", async () => {
    const cookie = await h.signedIn(ALICE!);
    const body = JSON.stringify(superjson.serialize(placeInput()));
    const before = await journalSize(h);
    const form = await post(PORT, "orders.place", "a=1", {
      cookie,
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(403);
    const noOrigin = await fetch(`http://127.0.0.1:${PORT}/api/trpc/orders.place`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body,
    });
    expect(noOrigin.status).toBe(403);
    const big = await post(PORT, "orders.place", JSON.stringify({ json: { pad: "x".repeat(70_000) } }), {
      cookie,
    });
    expect(big.status).toBe(413);
    expect(big.headers.get("connection")).toBe("close");
    const anonymous = await post(PORT, "orders.place", body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await journalSize(h)).toBe(before);
  });

  it("item 10: another user's order id answers as a missing one, public status shows no database location, a refused subscription is no 500, and an oversized body is refused unread", async () => {
    const alice = await h.signedIn(ALICE!);
    const bob = await h.signedIn(BOB!);
    const placed = await call(PORT, "orders.place", placeInput(), alice);
    const orderId = (placed.data as { orderId: number }).orderId;
    const strip = (r: Reply) => ({
      status: r.status,
      code: r.error?.data.clearline?.clearlineCode,
      message: r.error?.message.replace(/\d+/g, "N"),
    });
    for (const procedure of ["orders.cancel", "orders.amend"]) {
      const input = (id: number, key: string) =>
        procedure === "orders.cancel"
          ? { idempotencyKey: key, orderId: id }
          : { idempotencyKey: key, orderId: id, size: WETH / 200n };
      const theirs = strip(await call(PORT, procedure, input(orderId, `${procedure}-theirs-1`), bob));
      const missing = strip(await call(PORT, procedure, input(987_654, `${procedure}-missing-1`), bob));
      expect(theirs).toEqual(missing);
      expect(theirs.code).toBe("ORDER_NOT_FOUND");
    }

    const status = await fetch(`http://127.0.0.1:${PORT}/api/trpc/system.status`);
    const text = await status.text();
    expect(status.status).toBe(200);
    expect(text).not.toContain(h.t.handle.location);

    const sse = await fetch(
      `http://127.0.0.1:${PORT}/api/trpc/channel.states?input=${encodeURIComponent(
        JSON.stringify(superjson.serialize({ channelId: `0x${"ab".repeat(32)}` })),
      )}`,
      { headers: { cookie: bob, accept: "text/event-stream" } },
    );
    const reader = sse.body!.getReader();
    let stream = "";
    const deadline = Date.now() + 5_000;
    while (!stream.includes("serialized-error") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      stream += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(stream).toContain("serialized-error");
    expect(stream).not.toContain("INTERNAL_SERVER_ERROR");
    expect(stream).toContain("SERVICE_UNAVAILABLE");

    // headers declaring 10 MB, then silence: the answer must not wait for the body
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(PORT, "127.0.0.1");
      let got = "";
      const timer = setTimeout(() => {
        socket.destroy();
        resolve(got);
      }, 3_000);
      socket.on("data", (d) => (got += d.toString()));
      socket.on("close", () => {
        clearTimeout(timer);
        resolve(got);
      });
      socket.on("error", reject);
      socket.write(
        `POST /api/trpc/orders.place HTTP/1.1\r\nHost: localhost\r\nOrigin: ${APP}\r\nContent-Type: application/json\r\nCookie: ${alice}\r\nContent-Length: 10000000\r\n\r\n{"json":`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer.toLowerCase()).toContain("connection: close");
  });
});
