import { defineConfig } from "vitest/config";

// Tests against a real database: `*.integration.test.ts`, beside the code. Each test file
// creates its own database and drops it afterwards:
// - by default a fresh file-backed PGlite in a temporary folder;
// - with TEST_DATABASE_URL=postgresql://user@host:port/db a new database on that PostgreSQL
//   server per test (created and dropped through that URL; the database it names is never
//   touched). scripts/ci/postgres.sh start prints a suitable URL.
// The URL reaches the tests through `inject("testDatabaseUrl")`: test code does not read process.env.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ["{core,server,app,scripts,prisma}/**/*.integration.test.{ts,tsx}"],
    exclude: ["node_modules/**"],
    environment: "node",
    provide: { testDatabaseUrl: process.env.TEST_DATABASE_URL ?? "" },
    // The wasm schema engine and PGlite are CPU- and memory-hungry; one file at a time.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

declare module "vitest" {
  export interface ProvidedContext {
    testDatabaseUrl: string;
  }
}
