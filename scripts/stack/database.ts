/**
 * Bring the database up to date for this deployment: apply pending migrations, bind it to the
 * chain (a restarted local chain resets the chain-derived data, said out loud), seed.
 */
import { spawnSync } from "node:child_process";
import type { Deployment } from "../../contracts/deploy/deployment";
import { openDatabase } from "../../server/db";
import { bindChain } from "../../server/db/chain-binding";
import { env } from "../../server/env";
import { seedDatabase } from "../../prisma/seed";
import { bin, childEnv } from "./bin";
import { log } from "./log";

export async function prepareDatabase(
  deployment: Deployment,
  options: { allowReset: boolean } = { allowReset: true },
): Promise<void> {
  const e = env();
  const where =
    e.database.kind === "pglite" ? `embedded PGlite in ${e.database.dataDir}` : "the PostgreSQL server in DATABASE_URL";
  log.step(`database: applying pending migrations to ${where}…`);
  // The migration engine runs in its own process: it leaves timers behind and must exit.
  const migrate = spawnSync(bin("tsx"), ["scripts/db/migrate.ts", "deploy"], { stdio: "inherit", env: childEnv() });
  if (migrate.status !== 0) throw new Error("database: migrations failed (see above); the database was left as it was");

  const handle = openDatabase(e.database);
  const db = handle.db;
  try {
    const identity = {
      chainId: BigInt(deployment.chainId),
      genesisHash: deployment.genesisHash,
      custodyAddress: deployment.custody,
      deployBlock: BigInt(deployment.deployBlock),
    };
    const binding = await bindChain(db, identity, { allowReset: options.allowReset });
    if (binding.action === "reset") {
      log.warn(`database: ${binding.message}`);
      await db.auditLog.create({
        data: {
          actor: "system",
          action: "system.chain_reset",
          target: "database",
          before: binding.previous ?? undefined,
          after: { message: binding.message },
        },
      });
    } else {
      log.ok(`database: ${binding.message}`);
    }
    await seedDatabase(db, deployment, { adminAddress: e.adminAddress });
    log.ok("database: seeded (assets, demo markets, first admin)");
  } finally {
    await handle.close();
  }
}
