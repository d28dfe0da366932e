import type { NextConfig } from "next";

const config: NextConfig = {
  // One PGlite per process: keep the database drivers out of the bundle (TOOLCHAIN.md).
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/adapter-pg", "pg", "secp256k1"],
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
