// Hardhat 3 configuration: contracts live under contracts/, solc comes from the npm `solc`
// package (no compiler downloads on our machines), and `localhost` is the dev node that
// scripts/dev.ts starts with `npx hardhat node --hostname 127.0.0.1 --port <port>`.
import { createRequire } from "node:module";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { defineConfig } from "hardhat/config";
import { HARDHAT_TEST_MNEMONIC } from "./core/chain/hardhat-test-accounts.js";

const require = createRequire(import.meta.url);
// Must be absolute: a relative path fails inside Hardhat's compiler worker.
const soljsonPath = require.resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatToolboxViem],
  solidity: {
    version: "0.8.30",
    path: soljsonPath,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  paths: {
    sources: { solidity: ["contracts/src"] },
    tests: { solidity: "contracts/test/sol", nodejs: "contracts/test/ts" },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: "http://127.0.0.1:8545",
      accounts: { mnemonic: HARDHAT_TEST_MNEMONIC },
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      invariant: { runs: 64, depth: 32 },
    },
  },
});
