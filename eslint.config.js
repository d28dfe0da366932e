// Lint: typescript-eslint's recommended rules, plus the project's own boundaries.
import tseslint from "typescript-eslint";
import clearline from "./eslint/clearline-plugin.js";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      ".next/",
      ".data/",
      "artifacts/",
      "cache/",
      "generated/",
      "**/generated/**",
      "next-env.d.ts",
      "test-results/",
      "playwright-report/",
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Configuration is read in exactly one place.
    files: ["**/*.ts", "**/*.tsx"],
    ignores: ["server/env.ts", "scripts/**", "e2e/**", "*.config.ts", "bench/**", "contracts/**", "instrumentation.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through server/env.ts." },
      ],
    },
  },
  {
    // core/ is pure: no framework, no env, no clock. Pass them in.
    files: ["core/**/*.ts"],
    ignores: ["core/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            "next",
            "next/*",
            "react",
            "react-dom",
            "@prisma/*",
            "wagmi",
            "@trpc/*",
            "**/server/*",
            "**/app/*",
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "core/ reads no configuration; pass values in." },
        { object: "Date", property: "now", message: "core/ reads no clock; pass a clock in." },
      ],
    },
  },
  {
    // Architecture (eslint/clearline-plugin.js): layers point one way (the LAYERS table at the top
    // of the plugin), no import cycles, procedures reach the server's parts through ctx.
    files: ["**/*.ts", "**/*.tsx"],
    plugins: { clearline },
    rules: {
      "clearline/layers": "error",
      // add "server" to dirs once the type-only server/db.ts ↔ server/db/execute.ts cycle is broken
      "clearline/no-cycle": ["error", { dirs: ["core"] }],
    },
  },
  {
    // Procedures and services reach the server's parts through ctx (built once by
    // server/app-services.ts), never by reading configuration or building parts themselves.
    files: ["server/api/**/*.ts", "server/services/**/*.ts"],
    ignores: ["**/*.test.ts", "**/testing.ts"],
    rules: {
      "clearline/context-only": [
        "error",
        {
          getters: [
            { module: "server/env", names: ["env", "loadEnv"] },
            { module: "server/db", names: ["openDatabase"] },
            { module: "server/db/pglite-thread", names: ["openPgliteOnThread"] },
            { module: "server/chain/client", names: ["createChainClient"] },
            { module: "server/chain/deployment", names: ["loadDeployment", "readDeploymentFile"] },
            { module: "server/chain/watchtower-wallet", names: ["exchangeWalletClient"] },
            { module: "server/engine/runtime", names: ["startEngineRuntime"] },
            { module: "server/auth/deps", names: ["authDepsFrom"] },
            { module: "server/published-services", names: ["publishedAppServices"] },
          ],
        },
      ],
    },
  },
);
