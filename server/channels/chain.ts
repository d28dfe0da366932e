/** What the channel service asks of the chain: the exchange's free custody balance, and ERC-1271 checks through the custody contract. */
import type { Address, Hex, PublicClient } from "viem";
import { custodyAbi } from "../../contracts/generated";
import type { ChannelState } from "../../core/channel";

export interface ChannelChain {
  /** The exchange's free custody balance of `token` (its reserve for covering traders' profits). */
  exchangeAvailable(token: Address): Promise<bigint>;
  /** Whether `address` has code (a smart-contract wallet): its signatures need an ERC-1271 call. */
  isContract(address: Address): Promise<boolean>;
  /** The custody contract's own verdict (EOA or ERC-1271), asked at every use, never cached. */
  isValidStateSignature(signer: Address, state: ChannelState, signature: Hex): Promise<boolean>;
}

export function custodyChannelChain(client: PublicClient, custody: Address): ChannelChain {
  return {
    async exchangeAvailable(token) {
      const [available] = await client.readContract({ address: custody, abi: custodyAbi, functionName: "coverage", args: [token] });
      return available;
    },
    async isContract(address) {
      const code = await client.getCode({ address });
      return code !== undefined && code !== "0x";
    },
    async isValidStateSignature(signer, state, signature) {
      return client.readContract({
        address: custody,
        abi: custodyAbi,
        functionName: "isValidStateSignature",
        args: [signer, toAbiState(state), signature],
      });
    },
  };
}

/** A state as the custody ABI takes it. */
export function toAbiState(state: ChannelState) {
  return {
    channelId: state.channelId,
    version: Number(state.version),
    intent: state.intent,
    allocations: state.allocations.map((a) => ({ token: a.token, traderAmount: a.traderAmount, exchangeAmount: a.exchangeAmount })),
    appDataHash: state.appDataHash,
  };
}
