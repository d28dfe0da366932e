/**
 * A test wallet that behaves like an installed browser extension: it injects an EIP-1193
 * provider, announces it through EIP-6963, returns no accounts until the page asks for them
 * (as MetaMask does), signs with a real secp256k1 key (a local-chain WELL-KNOWN TEST key),
 * and forwards every other call to the chain node.
 */
import type { Page } from "@playwright/test";
import { createWalletClient, http, numberToHex, type Hex, type TypedDataDefinition } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface TestWalletOptions {
  privateKey: Hex;
  rpcUrl: string;
  /** the chain the wallet starts on; a different id lets a test exercise "wrong network" */
  chainId: number;
  /** the chain ids the wallet knows (switching to others fails with 4902, as in real wallets) */
  knownChainIds?: number[];
  name?: string;
}

interface RpcError {
  code: number;
  message: string;
}

export interface TestWallet {
  address: Hex;
  /** every method the page called, in order (for assertions such as "no prompt per fill") */
  calls: string[];
  /** the user refuses the next typed-data prompt that `which` picks (error 4001, as real wallets answer) */
  refuseNextSignature(which: (typed: TypedDataDefinition) => boolean): void;
}

export async function installTestWallet(page: Page, options: TestWalletOptions): Promise<TestWallet> {
  const account = privateKeyToAccount(options.privateKey);
  const known = new Set(options.knownChainIds ?? [options.chainId]);
  let chainId = options.chainId;
  let connected = false;
  let refuse: ((typed: TypedDataDefinition) => boolean) | null = null;
  const calls: string[] = [];
  const wallet = () =>
    createWalletClient({
      account,
      transport: http(options.rpcUrl),
      chain: {
        id: chainId,
        name: "local",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [options.rpcUrl] } },
      },
    });

  async function forward(method: string, params: unknown[]): Promise<unknown> {
    const res = await fetch(options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: RpcError };
    if (body.error) throw body.error;
    return body.result;
  }

  async function handle(method: string, params: unknown[]): Promise<unknown> {
    calls.push(method);
    switch (method) {
      case "eth_requestAccounts":
        connected = true;
        return [account.address];
      case "eth_accounts":
        return connected ? [account.address] : [];
      case "eth_chainId":
        return numberToHex(chainId);
      case "net_version":
        return String(chainId);
      case "wallet_requestPermissions":
        connected = true;
        return [{ parentCapability: "eth_accounts" }];
      case "wallet_getPermissions":
        return connected ? [{ parentCapability: "eth_accounts" }] : [];
      case "wallet_revokePermissions":
        connected = false;
        return null;
      case "wallet_switchEthereumChain": {
        const target = Number((params[0] as { chainId: string }).chainId);
        if (!known.has(target)) throw { code: 4902, message: `Unrecognized chain ID ${target}` } satisfies RpcError;
        chainId = target;
        await page.evaluate(
          (id) =>
            (window as unknown as { __testWalletEmit: (e: string, d: unknown) => void }).__testWalletEmit(
              "chainChanged",
              id,
            ),
          numberToHex(target),
        );
        return null;
      }
      case "wallet_addEthereumChain":
        known.add(Number((params[0] as { chainId: string }).chainId));
        return null;
    }
    if (
      !connected &&
      (method.startsWith("eth_sign") || method === "personal_sign" || method === "eth_sendTransaction")
    ) {
      throw { code: 4100, message: "The requested account has not been authorized by the user." } satisfies RpcError;
    }
    switch (method) {
      case "personal_sign":
        return account.signMessage({ message: { raw: params[0] as Hex } });
      case "eth_signTypedData_v4": {
        const typed = JSON.parse(params[1] as string) as TypedDataDefinition;
        if (refuse?.(typed)) {
          refuse = null;
          throw { code: 4001, message: "User rejected the request." } satisfies RpcError;
        }
        return account.signTypedData(typed);
      }
      case "eth_sendTransaction": {
        const tx = params[0] as { to?: Hex; data?: Hex; value?: Hex; gas?: Hex };
        return wallet().sendTransaction({
          to: tx.to,
          data: tx.data,
          value: tx.value ? BigInt(tx.value) : undefined,
          gas: tx.gas ? BigInt(tx.gas) : undefined,
        });
      }
      default:
        return forward(method, params);
    }
  }

  await page.exposeFunction("__testWalletRequest", async (method: string, params: unknown[]) => {
    try {
      return { ok: true, result: await handle(method, params ?? []) };
    } catch (e) {
      const err = e as Partial<RpcError> & { shortMessage?: string };
      return { ok: false, error: { code: err.code ?? -32603, message: err.shortMessage ?? err.message ?? String(e) } };
    }
  });

  await page.addInitScript(
    ({ name }) => {
      type Listener = (...args: unknown[]) => void;
      const listeners = new Map<string, Set<Listener>>();
      const w = window as unknown as {
        __testWalletRequest: (
          m: string,
          p: unknown[],
        ) => Promise<{ ok: boolean; result?: unknown; error?: { code: number; message: string } }>;
        __testWalletEmit: (event: string, data: unknown) => void;
        ethereum?: unknown;
      };
      const provider = {
        isClearlineTestWallet: true,
        async request({ method, params }: { method: string; params?: unknown[] }) {
          const r = await w.__testWalletRequest(method, params ?? []);
          if (r.ok) return r.result;
          throw Object.assign(new Error(r.error!.message), { code: r.error!.code });
        },
        on(event: string, fn: Listener) {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)!.add(fn);
          return provider;
        },
        removeListener(event: string, fn: Listener) {
          listeners.get(event)?.delete(fn);
          return provider;
        },
      };
      w.__testWalletEmit = (event, data) => listeners.get(event)?.forEach((fn) => fn(data));
      w.ethereum = provider;
      const icon =
        "data:image/svg+xml;base64," +
        btoa(
          '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" rx="8" fill="#4c8dff"/><text x="16" y="21" font-size="14" text-anchor="middle" fill="#fff" font-family="sans-serif">T</text></svg>',
        );
      const info = Object.freeze({ uuid: crypto.randomUUID(), name, icon, rdns: "dev.clearline.testwallet" });
      const announce = () =>
        window.dispatchEvent(
          new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }),
        );
      window.addEventListener("eip6963:requestProvider", announce);
      announce();
    },
    { name: options.name ?? "Clearline Test Wallet" },
  );

  return {
    address: account.address,
    calls,
    refuseNextSignature: (which) => {
      refuse = which;
    },
  };
}
