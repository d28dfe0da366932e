import { describe, expect, test } from "vitest";
import { HARDHAT_TEST_ACCOUNTS } from "../core/chain/hardhat-test-accounts";
import { loadEnv } from "./env";

describe("configuration", () => {
  test("nothing configured: embedded database, local chain, the local test keys", () => {
    const e = loadEnv({});
    expect(e.database.kind).toBe("pglite");
    expect(e.chain.rpcUrl).toBe("http://127.0.0.1:8545");
    expect(e.chain.isLocal).toBe(true);
    expect(e.exchangePrivateKey).toBe(HARDHAT_TEST_ACCOUNTS[1]!.privateKey);
    expect(e.adminAddress).toBe(HARDHAT_TEST_ACCOUNTS[0]!.address);
  });

  test("DATABASE_URL switches to PostgreSQL; CHAIN_PORT moves the local chain", () => {
    const e = loadEnv({ DATABASE_URL: "postgresql://u:p@db:5432/x", CHAIN_PORT: "9545" });
    expect(e.database).toEqual({ kind: "postgres", url: "postgresql://u:p@db:5432/x" });
    expect(e.chain.rpcUrl).toBe("http://127.0.0.1:9545");
  });

  test("one error names every bad setting", () => {
    let message = "";
    try {
      loadEnv({ CHAIN_PORT: "seventy", ADMIN_ADDRESS: "0x12", CHAIN_CONFIRMATIONS: "-1" });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain("CHAIN_PORT:");
    expect(message).toContain("ADMIN_ADDRESS: must be a 0x-prefixed 20-byte address");
    expect(message).toContain("CHAIN_CONFIRMATIONS:");
  });

  test("a non-local chain refuses the well-known test key", () => {
    expect(() => loadEnv({ CHAIN_RPC_URL: "https://rpc.example.org" })).toThrow(
      /EXCHANGE_PRIVATE_KEY is required for a non-local chain/,
    );
  });

  test("production requires a session secret", () => {
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/SESSION_SECRET is required in production/);
  });

  test("contract addresses count only when all four are given", () => {
    const a = "0x" + "11".repeat(20);
    expect(loadEnv({ CUSTODY_ADDRESS: a }).chain.addresses).toBeNull();
    expect(
      loadEnv({ CUSTODY_ADDRESS: a, USDC_ADDRESS: a, WETH_ADDRESS: a, WBTC_ADDRESS: a }).chain.addresses?.custody,
    ).toBe(a);
  });
});
