/**
 * The stack the end-to-end tests run against: its own chain port, app port, database and
 * deployment file, so tests never touch the data of a `npm run dev` running beside them.
 */
import path from "node:path";

export const E2E_CHAIN_PORT = 8546;
export const E2E_APP_PORT = 3100;
export const E2E_APP_URL = `http://localhost:${E2E_APP_PORT}`;
export const E2E_RPC_URL = `http://127.0.0.1:${E2E_CHAIN_PORT}`;
export const E2E_DEPLOYMENT_FILE = path.resolve(".data/e2e/deployment.json");

export const E2E_ENV = {
  CHAIN_PORT: String(E2E_CHAIN_PORT),
  PORT: String(E2E_APP_PORT),
  APP_URL: E2E_APP_URL,
  PGLITE_DATA_DIR: ".data/e2e/pglite",
  DEPLOYMENT_FILE: E2E_DEPLOYMENT_FILE,
  // Test-only secret for the e2e server; production must configure its own.
  SESSION_SECRET: "e2e-only-session-secret-0123456789abcdef",
  // Every browser in the suite signs in from 127.0.0.1: the per-IP sign-in limit (tested on its
  // own in server/api/auth) would otherwise refuse the suite's later sign-ins.
  RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000",
};
