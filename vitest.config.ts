import { defineConfig } from "vitest/config";

// Unit tests sit beside the code as *.test.ts; tests against a real database are
// *.integration.test.ts and run with `npm run test:integration` (vitest.integration.config.ts).
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    include: ["{core,server,app,scripts,eslint}/**/*.test.{ts,tsx}"],
    exclude: ["**/*.integration.test.ts", "node_modules/**"],
    environment: "node",
  },
});
