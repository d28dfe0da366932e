/**
 * Bench traders over the real HTTP API: SIWE sign-in (viem's createSiweMessage + personal_sign
 * with a well-known local test key), then a channel opened the way a wallet does it —
 * channel.prepareOpen, co-sign the INITIALIZE state, approve + depositAndOpen on-chain, wait
 * for the chain watcher to make it ACTIVE (its deposits are then the trader's engine balance).
 */
import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { LOCAL_CHAIN_ID, hardhatTestAccount } from "../../core/chain/hardhat-test-accounts";
import { stateTypedData, type ChannelState } from "../../core/channel";
import { custodyAbi, demoTokenAbi } from "../../contracts/generated";
import { toAbiState } from "../../server/channels/chain";
import type { TrpcHttp } from "./trpc-http";

export interface BenchTrader {
  index: number;
  address: Address;
  /** the Cookie header of the trader's session */
  cookie: string;
  channelId: Hex;
}

interface Instructions {
  chainId: number;
  custody: string;
  tokens: { symbol: string; address: string; decimals: number }[];
}

/** Sign in as Hardhat test account #index; returns the session's Cookie header. */
export async function signIn(api: TrpcHttp, index: number): Promise<string> {
  const account = privateKeyToAccount(hardhatTestAccount(index).privateKey);
  const issued = await api.mutation<{ nonce: string; expiresAt: Date }>("auth.nonce", undefined);
  const url = new URL(api.appUrl);
  const message = createSiweMessage({
    domain: url.host,
    address: account.address,
    statement: "Sign in to Clearline.",
    uri: url.origin,
    version: "1",
    chainId: LOCAL_CHAIN_ID,
    nonce: issued.nonce,
    issuedAt: new Date(),
    expirationTime: issued.expiresAt,
  });
  const signature = await account.signMessage({ message });
  const { setCookie } = await api.mutationWithCookies("auth.signIn", { message, signature });
  const cookie = setCookie.map((c) => c.split(";")[0]!).find((c) => c.includes("clearline_session="));
  if (!cookie) throw new Error(`auth.signIn for #${index} set no session cookie`);
  return cookie;
}

/** Open a channel for the signed-in trader with these deposits (token symbol -> base units) and wait until it is ACTIVE. */
export async function openChannel(
  api: TrpcHttp,
  rpcUrl: string,
  index: number,
  cookie: string,
  deposits: Record<string, bigint>,
): Promise<Hex> {
  const account = privateKeyToAccount(hardhatTestAccount(index).privateKey);
  const ins = await api.query<Instructions>("channel.depositInstructions", undefined);
  const tokenOf = (symbol: string) => {
    const t = ins.tokens.find((x) => x.symbol === symbol);
    if (!t) throw new Error(`no token ${symbol} in the deployment`);
    return t.address as Address;
  };
  const open = await api.mutation<{ channelId: Hex; nonce: bigint; state: ChannelState; exchangeSignature: Hex }>(
    "channel.prepareOpen",
    { deposits: Object.entries(deposits).map(([symbol, amount]) => ({ token: tokenOf(symbol), amount })) },
    cookie,
  );
  const domain = { chainId: ins.chainId, verifyingContract: ins.custody as Address };
  const traderSig = await account.signTypedData(stateTypedData(domain, open.state));
  await api.mutation(
    "channel.submitCoSignature",
    { channelId: open.channelId, version: 0n, signature: traderSig },
    cookie,
  );

  const chain = {
    id: ins.chainId,
    name: "local",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  } as const;
  const client = createPublicClient({ chain, transport: http(rpcUrl) });
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl) });
  for (const a of open.state.allocations) {
    const hash = await wallet.writeContract({
      address: a.token,
      abi: demoTokenAbi,
      functionName: "approve",
      args: [domain.verifyingContract, a.traderAmount],
    });
    await client.waitForTransactionReceipt({ hash });
  }
  const hash = await wallet.writeContract({
    address: domain.verifyingContract,
    abi: custodyAbi,
    functionName: "depositAndOpen",
    args: [
      account.address,
      open.nonce,
      toAbiState(open.state),
      { trader: traderSig, exchange: open.exchangeSignature },
    ],
  });
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`depositAndOpen for #${index} reverted`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const s = await api.query<{ status: string }>("channel.status", undefined, cookie);
    if (s.status === "ACTIVE") return open.channelId;
    if (Date.now() > deadline) throw new Error(`channel of #${index} still ${s.status} 60 s after depositAndOpen`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sign in and open a channel for each of the test accounts `indices` (one after another: the chain nonce order stays simple). */
export async function prepareTraders(
  api: TrpcHttp,
  rpcUrl: string,
  indices: readonly number[],
  deposits: Record<string, bigint>,
): Promise<BenchTrader[]> {
  const out: BenchTrader[] = [];
  for (const index of indices) {
    const cookie = await signIn(api, index);
    const channelId = await openChannel(api, rpcUrl, index, cookie, deposits);
    out.push({ index, address: hardhatTestAccount(index).address, cookie, channelId });
  }
  return out;
}
