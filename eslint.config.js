// Lint: typescript-eslint's recommended rules, plus the project's own boundaries.
import tseslint from "typescript-eslint";

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
);
