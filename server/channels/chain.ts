/** What the channel service asks of the chain: the exchange's free custody balance, ERC-1271 checks and a channel's registered record, through the custody contract. */
import { concat, keccak256, numberToHex, pad, type Address, type Hex, type PublicClient } from "viem";
import { custodyAbi } from "../../contracts/generated";
import { toAbiState, type ChannelState } from "../../core/channel";

/** A channel as the custody contract stores it now (`Custody.channel(id)`), with the chain's time. */
export interface OnChainChannel {
  status: "NONE" | "ACTIVE" | "CHALLENGED" | "CLOSED";
  /** the registered version */
  version: bigint;
  /** unix seconds; 0 unless challenged */
  challengeDeadline: bigint;
  /** hash of the registered funding's (token, total) pairs (fundingHashOf); zero once closed */
  fundingHash: Hex;
  /** the latest block's timestamp (unix seconds): a challenge has expired when chainTime >= challengeDeadline */
  chainTime: bigint;
}

const ON_CHAIN_STATUS = ["NONE", "ACTIVE", "CHALLENGED", "CLOSED"] as const;

export interface ChannelChain {
  /** The exchange's free custody balance of `token` (its reserve for covering traders' profits). */
  exchangeAvailable(token: Address): Promise<bigint>;
  /** Whether `address` has code (a smart-contract wallet): its signatures need an ERC-1271 call. */
  isContract(address: Address): Promise<boolean>;
  /** The custody contract's own verdict (EOA or ERC-1271), asked at every use, never cached. */
  isValidStateSignature(signer: Address, state: ChannelState, signature: Hex): Promise<boolean>;
  /** The channel's record on-chain now: what a submission must check first (the chain watcher lags behind it). */
  channel(channelId: Hex): Promise<OnChainChannel>;
}

export function custodyChannelChain(client: PublicClient, custody: Address): ChannelChain {
  return {
    async exchangeAvailable(token) {
      const [available] = await client.readContract({
        address: custody,
        abi: custodyAbi,
        functionName: "coverage",
        args: [token],
      });
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
    async channel(channelId) {
      const [view, block] = await Promise.all([
        client.readContract({ address: custody, abi: custodyAbi, functionName: "channel", args: [channelId] }),
        client.getBlock({ blockTag: "latest" }),
      ]);
      return {
        status: ON_CHAIN_STATUS[view.status] ?? "NONE",
        version: BigInt(view.version),
        challengeDeadline: BigInt(view.challengeDeadline),
        fundingHash: view.fundingHash,
        chainTime: block.timestamp,
      };
    },
  };
}

/** The contract's funding hash (StateHash.hash): keccak256 of the abi-encoded (token, total) pairs, tokens ascending as in the state. */
export function fundingHashOf(funding: readonly { token: Address; total: bigint }[]): Hex {
  return keccak256(
    concat(
      funding.flatMap((f) => [pad(f.token.toLowerCase() as Hex, { size: 32 }), numberToHex(f.total, { size: 32 })]),
    ),
  );
}

/** Kept here for the callers that import it from this module (server/services/admin-channels.ts, bench). */
export { toAbiState };
