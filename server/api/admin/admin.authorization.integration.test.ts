/**
 * Authorization of the ops console's API, by enumeration: every procedure under `admin` in the
 * real router is called as a signed-out caller (UNAUTHORIZED), a trader (FORBIDDEN), an operator
 * (queries answer, every mutation FORBIDDEN) and an admin (gets past the role check). A new
 * admin procedure is covered automatically; a new query needs a sample input below, or this fails.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { createMigratedTestDatabase, type TestDatabase } from "../../db/testing";
import type { EngineRuntime } from "../../engine/runtime";
import { seedMarkets, startQuietRuntime, TRADERS } from "../../engine/testing";
import type { Context } from "../context";
import { appRouter, createCaller } from "../root";
import { ADMIN, contextsOver, engineOnlyServices, OPERATOR } from "../testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
let rt: EngineRuntime;
const ctxFor = contextsOver(() => engineOnlyServices(t.handle, () => rt));

/** A valid input for every read procedure (the operator must get an answer, not a validation error). */
const QUERY_INPUTS: Record<string, unknown> = {
  "admin.overview": undefined,
  "admin.health": undefined,
  "admin.roles.list": undefined,
  "admin.markets.list": undefined,
  "admin.markets.previewParams": { market: "ETH-PERP", maintenanceMarginBps: 300 },
  "admin.prices.sources": undefined,
  "admin.prices.history": { market: "ETH-PERP" },
  "admin.risk.accounts": {},
  "admin.risk.liquidations": {},
  "admin.risk.insurance": {},
  "admin.risk.openInterest": undefined,
  "admin.risk.adl": {},
  "admin.channels.list": {},
  "admin.channels.challenges": undefined,
  "admin.channels.coverage": undefined,
  "admin.users.search": {},
  "admin.users.detail": { address: TRADERS[0] },
  "admin.fees.summary": {},
  "admin.fees.withdrawable": undefined,
  "admin.audit.list": {},
};

interface Proc {
  path: string;
  type: "query" | "mutation" | "subscription";
}

function adminProcedures(): Proc[] {
  const procedures = (appRouter._def as unknown as { procedures: Record<string, { _def: { type: Proc["type"] } }> })
    .procedures;
  return Object.entries(procedures)
    .filter(([path]) => path.startsWith("admin."))
    .map(([path, p]) => ({ path, type: p._def.type }));
}

/** Call `path` on a caller built for `ctx` (the caller is a proxy: walk it by path segments). */
function call(ctx: Context, path: string, input: unknown): Promise<unknown> {
  let node: unknown = createCaller(ctx);
  for (const part of path.split(".")) node = (node as Record<string, unknown>)[part];
  return (node as (i: unknown) => Promise<unknown>)(input);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "OK";
  } catch (e) {
    const code = (e as { code?: string }).code ?? `threw ${(e as Error).message}`;
    if (code === "INTERNAL_SERVER_ERROR") console.error(e);
    return code;
  }
}

beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
  await seedMarkets(t.handle.db);
  rt = await startQuietRuntime(t.handle.db);
  await rt.overrideMarkPrice("ETH-PERP", 3_000_000_000n, "test start");
});
afterAll(async () => {
  await rt?.stop();
  await t?.drop();
});

describe(`admin API authorization (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  const procs = adminProcedures();

  it("finds the admin procedures in the router (queries and mutations, no subscriptions)", () => {
    expect(procs.length).toBeGreaterThan(20);
    expect(procs.filter((p) => p.type === "mutation").map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "admin.prices.override",
        "admin.markets.halt",
        "admin.markets.resume",
        "admin.users.suspend",
        "admin.roles.grant",
        "admin.roles.revoke",
        "admin.markets.create",
        "admin.channels.checkpoint",
        "admin.fees.withdraw",
      ]),
    );
    expect(procs.filter((p) => p.type === "subscription")).toEqual([]);
    // every query has a sample input (a new read procedure must be added to QUERY_INPUTS)
    expect(
      procs
        .filter((p) => p.type === "query")
        .map((p) => p.path)
        .sort(),
    ).toEqual(Object.keys(QUERY_INPUTS).sort());
  });

  it("a signed-out caller gets UNAUTHORIZED from every admin procedure", async () => {
    const codes = await Promise.all(
      procs.map(async (p) => [p.path, await codeOf(call(ctxFor(null), p.path, QUERY_INPUTS[p.path]))]),
    );
    expect(Object.fromEntries(codes)).toEqual(Object.fromEntries(procs.map((p) => [p.path, "UNAUTHORIZED"])));
  });

  it("a trader (and a broker) gets FORBIDDEN from every admin procedure", async () => {
    for (const roles of [["TRADER"], ["TRADER", "BROKER"]] as const) {
      const codes = await Promise.all(
        procs.map(async (p) => [
          p.path,
          await codeOf(call(ctxFor(TRADERS[0], [...roles]), p.path, QUERY_INPUTS[p.path])),
        ]),
      );
      expect(Object.fromEntries(codes)).toEqual(Object.fromEntries(procs.map((p) => [p.path, "FORBIDDEN"])));
    }
  });

  it("an operator reads every query and gets FORBIDDEN from every mutation, which changes nothing", async () => {
    const auditBefore = await t.handle.db.auditLog.count();
    const op = ctxFor(OPERATOR, ["TRADER", "OPERATOR"]);
    const codes: Record<string, string> = {};
    for (const p of procs)
      codes[p.path] = await codeOf(
        call(
          op,
          p.path,
          p.type === "query" ? QUERY_INPUTS[p.path] : { market: "ETH-PERP", price: "1", reason: "operator tries" },
        ),
      );
    expect(codes).toEqual(Object.fromEntries(procs.map((p) => [p.path, p.type === "query" ? "OK" : "FORBIDDEN"])));
    expect(await t.handle.db.auditLog.count()).toBe(auditBefore);
    expect(rt.read((ex) => ex.prices("ETH-PERP").indexPerLot)).toBe(3_000_000n); // the override did not happen (3000 USDC per ETH = 3 USDC per 0.001-ETH lot)
  });

  it("an admin gets past the role check of every procedure (a missing input is then BAD_REQUEST, not FORBIDDEN)", async () => {
    const admin = ctxFor(ADMIN, ["TRADER", "ADMIN"]);
    for (const p of procs) {
      const code = await codeOf(call(admin, p.path, p.type === "query" ? QUERY_INPUTS[p.path] : undefined));
      expect([p.path, code]).toEqual([p.path, p.type === "query" ? "OK" : "BAD_REQUEST"]);
    }
  });
});
