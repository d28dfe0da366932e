/**
 * Seeds the configured database from the deployment file (DEPLOYMENT_FILE) by hand:
 *   npx tsx scripts/db/seed.ts
 * The dev script calls seedDatabase() itself; this is for a database prepared separately.
 */
import fs from "node:fs/promises";
import { seedDatabase, type SeedDeployment } from "../../prisma/seed";
import { openDatabase } from "../../server/db";
import { env } from "../../server/env";

const e = env();
const deployment = JSON.parse(await fs.readFile(e.chain.deploymentFile, "utf8")) as SeedDeployment;
const handle = openDatabase(e.database);
try {
  const out = await seedDatabase(handle.db, deployment, { adminAddress: e.adminAddress });
  console.log(
    `Seeded: ${out.assets} assets; markets created: ${out.marketsCreated.join(", ") || "none"}; admin role granted: ${out.adminGranted}`,
  );
} finally {
  await handle.close();
}
