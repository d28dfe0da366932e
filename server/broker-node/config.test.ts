import { describe, expect, it } from "vitest";
import { hardhatTestAccount } from "../../core/chain/hardhat-test-accounts";
import { DEFAULT_RPC_PRICES } from "../../core/clearing";
import { flagsToSettings, loadBrokerNodeConfig } from "./config";

describe("broker node configuration", () => {
  it("works with nothing set: the well-known test key #6, named as such, PGlite, the default schedule", () => {
    const c = loadBrokerNodeConfig({});
    expect(c.address).toBe(hardhatTestAccount(6).address.toLowerCase());
    expect(c.keySource).toBe("the WELL-KNOWN Hardhat TEST key #6");
    expect(c.database).toEqual({ kind: "pglite", dataDir: expect.stringMatching(/\.data\/broker-broker$/) });
    expect(c.prices).toEqual(DEFAULT_RPC_PRICES);
    expect(c.peers).toEqual([]);
    expect(c.markets).toEqual(["WETH-USDC"]);
    expect(c.bot.enabled).toBe(false);
  });

  it("takes flags over the environment", () => {
    const c = loadBrokerNodeConfig({ BROKER_PORT: "8900" }, [
      "--port",
      "8901",
      "--test-account=7",
      "--bot",
      "--peers",
      "0x976EA74026E726554dB657fA54763abd0C3a0aa9@http://127.0.0.1:8900/",
      "--database-url",
      "postgresql://u@h:5432/db",
    ]);
    expect(c.port).toBe(8901);
    expect(c.address).toBe(hardhatTestAccount(7).address.toLowerCase());
    expect(c.bot.enabled).toBe(true);
    expect(c.peers).toEqual([{ address: "0x976ea74026e726554db657fa54763abd0c3a0aa9", url: "http://127.0.0.1:8900" }]);
    expect(c.database).toEqual({ kind: "postgres", url: "postgresql://u@h:5432/db" });
    expect(flagsToSettings(["--rate-burst", "5"])).toEqual({ BROKER_RATE_BURST: "5" });
  });

  it("names every bad setting", () => {
    const bad = () =>
      loadBrokerNodeConfig({
        BROKER_PORT: "70000",
        BROKER_RATE_BURST: "0",
        BROKER_MAX_UNPAID_FEES: "-1",
        BROKER_PEERS: "not-a-peer",
        BROKER_MARKETS: "DOGE-USDC",
        BROKER_PRIVATE_KEY: "0x1234",
      });
    expect(bad).toThrow(/BROKER_PORT/);
    expect(bad).toThrow(/BROKER_RATE_BURST/);
    expect(bad).toThrow(/BROKER_MAX_UNPAID_FEES/);
    expect(bad).toThrow(/BROKER_PEERS/);
    expect(bad).toThrow(/BROKER_MARKETS/);
    expect(bad).toThrow(/BROKER_PRIVATE_KEY/);
  });

  it("refuses the test keys off the local chain, itself as a peer, and credit in an unlisted asset", () => {
    expect(() => loadBrokerNodeConfig({ BROKER_CHAIN_ID: "1" })).toThrow(/BROKER_PRIVATE_KEY: required on chain 1/);
    expect(() => loadBrokerNodeConfig({ BROKER_PEERS: `${hardhatTestAccount(6).address}@http://127.0.0.1:1` })).toThrow(
      /own address/,
    );
    expect(() => loadBrokerNodeConfig({ BROKER_PEER_CREDIT: "DOGE:1" })).toThrow(/BROKER_PEER_CREDIT/);
    expect(() => loadBrokerNodeConfig({}, ["port"])).toThrow(/not a --flag/);
  });
});
