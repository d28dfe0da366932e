/**
 * PGlite on a worker thread (server/db/pglite-thread.ts) behaves as the in-thread adapter does:
 * reads and writes with every column type the schema uses, Prisma's own errors for constraint
 * violations, interactive transactions that commit or roll back and hold the session meanwhile,
 * the engine runtime's group commit on top, and the data on disk afterwards.
 * (PGlite only: with a PostgreSQL server the app never uses the thread.)
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Prisma } from "../../generated/prisma/client";
import { openDatabase, type DatabaseHandle } from "../db";
import { seedMarkets, startQuietRuntime, TRADERS } from "../engine/testing";
import { execute } from "./execute";
import { HOT_SQL } from "./hot-sql";
import { openPgliteOnThread } from "./pglite-thread";
import { createMigratedTestDatabase, type TestDatabase } from "./testing";

const serverUrl = inject("testDatabaseUrl");
let t: TestDatabase;
let dataDir: string;
let thread: DatabaseHandle;

beforeAll(async () => {
  if (serverUrl) return;
  t = await createMigratedTestDatabase("");
  dataDir = t.handle.location;
  // Migrated in-thread, then closed: the folder is reopened on the worker thread.
  await t.handle.close();
  thread = await openPgliteOnThread(dataDir);
});

afterAll(async () => {
  if (serverUrl) return;
  await thread?.close().catch(() => undefined);
  await t?.drop();
});

describe.skipIf(Boolean(serverUrl))("PGlite on a worker thread", () => {
  it("reads and writes through Prisma: arrays of enums, dates, big integers, and the same error codes", async () => {
    const db = thread.db;
    const address = TRADERS[0]!;
    const user = await db.user.create({ data: { address, roles: ["TRADER", "BROKER"] } });
    expect(user.roles).toEqual(["TRADER", "BROKER"]);
    expect(user.createdAt).toBeInstanceOf(Date);
    expect(await db.user.findUnique({ where: { address } })).toEqual(user);

    const duplicate = await db.user.create({ data: { address } }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    expect((duplicate as Prisma.PrismaClientKnownRequestError).code).toBe("P2002");

    const [{ n }] = await db.$queryRaw<[{ n: bigint }]>`SELECT 9007199254740993::bigint AS n`;
    expect(n).toBe(9007199254740993n);
  });

  it("LISTEN: a NOTIFY reaches the main thread before the reply of the statement that sent it, and only once committed", async () => {
    const got: string[] = [];
    const stop = await thread.listen("clearline_test", {
      notify: (p) => got.push(p),
      listening: () => got.push("listening"),
      lost: () => got.push("lost"),
    });
    expect(got).toEqual(["listening"]);
    await thread.db.$executeRawUnsafe(`SELECT pg_notify('clearline_test', 'one')`);
    expect(got).toEqual(["listening", "one"]);
    await thread.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_notify('clearline_test', 'two')`);
      expect(got).toEqual(["listening", "one"]);
    });
    expect(got).toEqual(["listening", "one", "two"]);
    await stop();
    await thread.db.$executeRawUnsafe(`SELECT pg_notify('clearline_test', 'three')`);
    expect(got).toEqual(["listening", "one", "two"]);
  });

  it("runs text-parameter statements (the journal batch) prepared once: rows affected, NULLs, the database's errors, NOTIFY", async () => {
    const db = thread.db;
    await db.$executeRawUnsafe(`CREATE TABLE wire_test (k text PRIMARY KEY, v text)`);
    const insert = `${HOT_SQL}INSERT INTO wire_test SELECT e->>'k', e->>'v' FROM jsonb_array_elements($1::jsonb) e`;
    expect(
      await execute(db, insert, [
        JSON.stringify([
          { k: "a", v: "é ✓" },
          { k: "b", v: null },
        ]),
      ]),
    ).toBe(2);
    expect(await execute(db, insert, [JSON.stringify([{ k: "c", v: "x".repeat(100_000) }])])).toBe(1);
    // parsed once, then only bound and executed
    const statements = await db.$queryRawUnsafe<{ statement: string }[]>(
      `SELECT statement FROM pg_prepared_statements`,
    );
    expect(statements.map((p) => p.statement)).toEqual([insert]);

    // a unique violation: the database's message, nothing of the statement applied, the session goes on
    const duplicate = (await execute(db, insert, [
      JSON.stringify([
        { k: "d", v: "1" },
        { k: "a", v: "2" },
      ]),
    ]).catch((e: unknown) => e)) as Error;
    expect(duplicate.name).toBe("DatabaseError");
    expect(duplicate.message).toMatch(/duplicate key value violates unique constraint "wire_test_pkey"/);
    const rows = await db.$queryRawUnsafe<{ k: string; v: string | null }[]>(
      `SELECT k, left(v, 5) AS v FROM wire_test ORDER BY k`,
    );
    expect(rows).toEqual([
      { k: "a", v: "é ✓" },
      { k: "b", v: null },
      { k: "c", v: "xxxxx" },
    ]);

    expect(await execute(db, `UPDATE wire_test SET v = $1::text WHERE k = $2::text`, [null, "c"])).toBe(1);
    expect(await db.$queryRawUnsafe(`SELECT v FROM wire_test WHERE k = 'c'`)).toEqual([{ v: null }]);

    // a statement that does not parse is not kept; the next one still runs
    await expect(execute(db, `SELEC $1::text`, ["x"])).rejects.toThrow(/syntax error at or near "SELEC"/);
    const got: string[] = [];
    const stop = await thread.listen("clearline_wire", {
      notify: (p) => got.push(p),
      listening: () => got.push("listening"),
      lost: () => got.push("lost"),
    });
    await execute(db, `SELECT pg_notify('clearline_wire', $1::text)`, ["hello"]);
    expect(got).toEqual(["listening", "hello"]);
    await stop();
    await db.$executeRawUnsafe(`DROP TABLE wire_test`);
  });

  it("interactive transactions: a throw rolls back, a commit is seen, and other statements wait until it ends", async () => {
    const db = thread.db;
    const a = TRADERS[1]!;
    await expect(
      db.$transaction(async (tx) => {
        await tx.user.create({ data: { address: a } });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.user.findUnique({ where: { address: a } })).toBeNull();

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const tx = db.$transaction(async (q) => {
      await q.user.create({ data: { address: a } });
      order.push("inserted in the transaction");
      await held;
      order.push("committing");
    });
    await new Promise((r) => setTimeout(r, 50));
    const outside = db.user.findUnique({ where: { address: a } }).then((u) => {
      order.push("read outside");
      return u;
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    // one PGlite session: the outside read waited for the commit, and sees the row
    expect((await outside)?.address).toBe(a);
    expect(order).toEqual(["inserted in the transaction", "committing", "read outside"]);
  });

  it("runs the order path's statements before other waiting ones, and never inside someone else's transaction", async () => {
    const db = thread.db;
    const done: string[] = [];
    const track = (name: string, p: Promise<unknown>) => p.then(() => done.push(name));
    // a slow statement occupies the session; then a background read and an order-path read queue behind it
    const slow = track("slow", db.$queryRawUnsafe("SELECT pg_sleep(0.2)::text AS slept"));
    await new Promise((r) => setTimeout(r, 20));
    const background = track("background", db.$queryRawUnsafe("SELECT 1 AS one"));
    const hot = track("hot", db.$queryRawUnsafe(`${HOT_SQL}SELECT 1 AS one`));
    await Promise.all([slow, background, hot]);
    expect(done).toEqual(["slow", "hot", "background"]);

    // while an interactive transaction is open, an order-path statement waits for its end (no deadlock)
    done.length = 0;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = track(
      "transaction",
      db.$transaction(async (q) => {
        await q.$queryRawUnsafe("SELECT 1 AS one");
        await held;
        await q.$queryRawUnsafe("SELECT 2 AS two");
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    const waiting = track("hot", db.$queryRawUnsafe(`${HOT_SQL}SELECT 3 AS three`));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toEqual([]);
    release();
    await Promise.all([tx, waiting]);
    expect(done).toEqual(["transaction", "hot"]);
  });

  it("carries the engine runtime (group commit, journal, snapshots), and the data is on disk afterwards", async () => {
    const db = thread.db;
    await seedMarkets(db);
    const rt = await startQuietRuntime(db);
    const trader = TRADERS[2]!;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        rt.submit({ type: "deposit", account: trader, asset: "USDC", amount: 1_000_000n }),
      ),
    );
    const sequence = rt.status().sequence;
    await rt.stop();

    await thread.close();
    const reopened = openDatabase({ kind: "pglite", dataDir });
    try {
      const restarted = await startQuietRuntime(reopened.db);
      expect(restarted.status().sequence).toBe(sequence);
      expect(restarted.read((ex) => ex.balance(trader, "USDC")).available).toBe(20_000_000n);
      await restarted.stop();
    } finally {
      await reopened.close();
    }
    thread = await openPgliteOnThread(dataDir);
  });
});
