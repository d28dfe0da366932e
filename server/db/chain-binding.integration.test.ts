import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { seedDatabase } from "../../prisma/seed";
import { bindChain, KEEP_ON_CHAIN_RESET, tablesToWipe } from "./chain-binding";
import { createMigratedTestDatabase, TEST_DEPLOYMENT, type TestDatabase } from "./testing";

const serverUrl = inject("testDatabaseUrl");
const admin = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
const first = {
  chainId: 31337n,
  genesisHash: "0xaaaa000000000000000000000000000000000000000000000000000000001111",
  custodyAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  deployBlock: 1n,
};
const restarted = { ...first, genesisHash: "0xbbbb000000000000000000000000000000000000000000000000000000002222" };

let t: TestDatabase;
beforeAll(async () => {
  t = await createMigratedTestDatabase(serverUrl);
});
afterAll(async () => t?.drop());

describe(`bindChain (${serverUrl ? "PostgreSQL server" : "PGlite"})`, () => {
  it("binds, then reports unchanged for the same chain", async () => {
    expect(await bindChain(t.handle.db, first)).toMatchObject({ action: "bound" });
    const again = await bindChain(t.handle.db, {
      ...first,
      genesisHash: first.genesisHash.toUpperCase().replace("0X", "0x"),
      chainId: 31337,
    });
    expect(again.action).toBe("unchanged");
    expect(await t.handle.db.chainBinding.count()).toBe(1);
  });

  it("on a restarted chain wipes every table but the keep-list (new tables included) and rebinds", async () => {
    const db = t.handle.db;
    await seedDatabase(db, TEST_DEPLOYMENT, { adminAddress: admin });
    await db.auditLog.create({ data: { actor: "test", action: "test.before_reset", target: "x" } });
    // A table a later migration might add: covered without being listed anywhere.
    await db.$executeRawUnsafe(`CREATE TABLE "LaterTable" ("id" BIGSERIAL PRIMARY KEY, "v" TEXT)`);
    await db.$executeRawUnsafe(`INSERT INTO "LaterTable" ("v") VALUES ('x')`);
    const auditBefore = await db.auditLog.count();
    const migrationsBefore = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM _prisma_migrations`;
    expect(await tablesToWipe(db)).toContain("LaterTable");
    expect(await tablesToWipe(db)).not.toContain("AuditLog");

    await expect(bindChain(db, restarted, { allowReset: false })).rejects.toThrow(/chain restarted/);
    expect(await db.asset.count()).toBe(3);

    const out = await bindChain(db, restarted);
    expect(out.action).toBe("reset");
    expect(out.message).toMatch(/^chain restarted: genesis 0xaaaa00…1111 ≠ 0xbbbb00…2222; /);
    expect(out.previous).toMatchObject({ chainId: "31337", genesisHash: first.genesisHash, deployBlock: "1" });
    expect(out.wiped).toEqual(expect.arrayContaining(["Asset", "Market", "User", "ChainBinding", "LaterTable"]));
    for (const kept of KEEP_ON_CHAIN_RESET) expect(out.wiped).not.toContain(kept);

    expect(await db.asset.count()).toBe(0);
    expect(await db.market.count()).toBe(0);
    expect(await db.user.count()).toBe(0);
    expect(await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "LaterTable"`).toEqual([{ n: 0 }]);
    expect(await db.auditLog.count()).toBe(auditBefore);
    expect(await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM _prisma_migrations`).toEqual(
      migrationsBefore,
    );
    expect(await db.chainBinding.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({
      genesisHash: restarted.genesisHash,
    });
    expect((await bindChain(db, restarted)).action).toBe("unchanged");

    // The caller reseeds.
    expect((await seedDatabase(db, TEST_DEPLOYMENT, { adminAddress: admin })).marketsCreated).toHaveLength(3);
  });

  it("keeps AuditLog append only", async () => {
    const db = t.handle.db;
    await expect(db.auditLog.deleteMany({})).rejects.toThrow(/append only/);
    await expect(db.auditLog.updateMany({ data: { action: "rewritten" } })).rejects.toThrow(/append only/);
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditLog"`)).rejects.toThrow(/append only/);
  });
});
