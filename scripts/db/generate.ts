/**
 * `prisma generate` on a machine that cannot download Prisma's native schema engine.
 *
 * The Prisma 7 CLI tries to fetch the native schema engine before generating even though
 * `generate` never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing executable
 * (here: the running Node binary) skips the download. The client itself needs no binary
 * (generator "prisma-client" + driver adapters).
 *
 * Usage: npx tsx scripts/db/generate.ts
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const cli = path.join(root, "node_modules/prisma/build/index.js");

// Inherited by the child: an executable that is never run, and no update-check call home.
process.env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
process.env.CHECKPOINT_DISABLE = "1";
process.env.PRISMA_HIDE_UPDATE_MESSAGE = "1";

const result = spawnSync(process.execPath, [cli, "generate", "--schema", "prisma/schema.prisma"], {
  cwd: root,
  stdio: "inherit",
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
