/**
 * Prisma CLI configuration (Prisma 7 keeps the connection here, not in schema.prisma).
 * The CLI is used only for `prisma generate` (scripts/db/generate.ts); migrations run through
 * the WebAssembly schema engine in scripts/db/migrate.ts, which reads server/env.ts itself.
 */
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
