/**
 * Sends the exchange's own channel transactions once both signatures are in: cooperative
 * closes and resizes (partial withdrawals). The chain watcher (server/chain) reports their
 * events back; this module only submits and waits for the receipt. One wallet client with the
 * exchange key; transactions are sent one at a time so nonces never collide. When to submit, and
 * again after a failure, is submissions.ts's job.
 */
import { createWalletClient, http, publicActions, type Address, type Chain, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { custodyAbi } from "../../contracts/generated";
import { toAbiState, type ChannelState, type CoSignatures } from "../../core/channel";

export interface ChannelSubmitter {
  resize(previous: ChannelState, previousSigs: CoSignatures, state: ChannelState, sigs: CoSignatures): Promise<Hex>;
  close(state: ChannelState, sigs: CoSignatures): Promise<Hex>;
  /** registers a co-signed OPERATE state (makes a cancelled withdrawal's RESIZE unusable) */
  checkpoint(state: ChannelState, sigs: CoSignatures): Promise<Hex>;
}

/** The transaction was mined and reverted (a revert found while estimating gas is viem's ContractFunctionRevertedError instead). */
export class SubmissionRevertedError extends Error {
  constructor(readonly txHash: Hex) {
    super(`transaction ${txHash} reverted`);
  }
}

export interface SubmitterOptions {
  rpcUrl: string;
  chainId: number;
  custody: Address;
  privateKey: Hex;
}

export function createSubmitter(options: SubmitterOptions): ChannelSubmitter {
  const chain: Chain = {
    id: options.chainId,
    name: `chain ${options.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [options.rpcUrl] } },
  };
  const client = createWalletClient({
    account: privateKeyToAccount(options.privateKey),
    chain,
    transport: http(options.rpcUrl),
  }).extend(publicActions);
  let queue: Promise<unknown> = Promise.resolve();

  function send(run: () => Promise<Hex>): Promise<Hex> {
    const next = queue.then(async () => {
      const hash = await run();
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new SubmissionRevertedError(hash);
      return hash;
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    resize: (previous, previousSigs, state, sigs) =>
      send(() =>
        client.writeContract({
          address: options.custody,
          abi: custodyAbi,
          functionName: "resize",
          args: [toAbiState(previous), previousSigs, toAbiState(state), sigs],
        }),
      ),
    close: (state, sigs) =>
      send(() =>
        client.writeContract({
          address: options.custody,
          abi: custodyAbi,
          functionName: "close",
          args: [toAbiState(state), sigs],
        }),
      ),
    checkpoint: (state, sigs) =>
      send(() =>
        client.writeContract({
          address: options.custody,
          abi: custodyAbi,
          functionName: "checkpoint",
          args: [toAbiState(state), sigs],
        }),
      ),
  };
}
