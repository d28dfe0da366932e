/**
 * The dev deployment (contracts/deploy/local.ts) on Hardhat's in-process chain, through a viem
 * transport over its provider (no port): custody and both broker modules linked, the network
 * token minted to the demo brokers, the roles the clearing service uses. Run with
 * `npx hardhat test nodejs`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { createPublicClient, custom, parseUnits, type Address } from "viem";
import { HARDHAT_TEST_ACCOUNTS, LOCAL_ROLES } from "../../../core/chain/hardhat-test-accounts";
import { deployLocal, LOCAL_BROKER_ROLES } from "../../deploy/local";
import { parseDeployment } from "../../deploy/deployment";
import { brokerLegsAbi, brokerNetworkAbi, custodyAbi, demoTokenAbi } from "../../generated";

describe("deployLocal (in-process chain)", () => {
  it("deploys the custody with both broker modules and mints the network token to the demo brokers", async () => {
    const connection = await network.create();
    const transport = custom(connection.provider);
    const deployment = await deployLocal({ rpcUrl: "http://in-process.invalid", transport });
    const client = createPublicClient({ transport });
    const read = (address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
      client.readContract({ address, abi, functionName, args } as never) as Promise<unknown>;

    const brokers = deployment.brokers!;
    assert.ok(brokers, "the deployment names the broker network");
    assert.equal(await read(deployment.custody, custodyAbi, "brokerNetwork"), brokers.network);
    assert.equal(await read(deployment.custody, custodyAbi, "brokerLegs"), brokers.legs);
    assert.equal(await read(brokers.legs, brokerLegsAbi, "brokerNetwork"), brokers.network);
    assert.equal(await read(brokers.network, brokerNetworkAbi, "stakeToken"), brokers.networkToken.address);
    assert.equal(await read(brokers.network, brokerNetworkAbi, "stakePerChannel"), parseUnits("62500", 18));
    assert.equal(brokers.clearingSigner, HARDHAT_TEST_ACCOUNTS[LOCAL_BROKER_ROLES.clearingSigner]!.address);
    assert.equal(await read(brokers.network, brokerNetworkAbi, "clearingSigner"), brokers.clearingSigner);
    assert.equal(await read(brokers.network, brokerNetworkAbi, "arbiter"), brokers.arbiter);
    for (const index of LOCAL_ROLES.brokers) {
      const balance = await read(brokers.networkToken.address, demoTokenAbi, "balanceOf", [
        HARDHAT_TEST_ACCOUNTS[index]!.address,
      ]);
      assert.equal(balance, parseUnits("1000000", 18), `broker #${index} holds 1M CLN (a quota of 16 once staked)`);
    }
    // what the server reads back from the deployment file survives its schema
    const parsed = parseDeployment(JSON.parse(JSON.stringify(deployment)));
    assert.deepEqual(parsed.brokers, brokers);
  });
});
