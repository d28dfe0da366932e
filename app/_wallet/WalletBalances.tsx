"use client";
import { erc20Abi, formatUnits } from "viem";
import { useBalance, useConnection, useReadContracts } from "wagmi";
import { usePublicConfig } from "./public-config";

/** The connected wallet's on-chain balances: native ETH and each demo token, read from the chain. */
export function WalletBalances() {
  const cfg = usePublicConfig();
  const { address, status } = useConnection();
  const eth = useBalance({ address, chainId: cfg.chain.id, query: { enabled: !!address, refetchInterval: 4_000 } });
  const tokens = useReadContracts({
    contracts: cfg.tokens.map(
      (t) =>
        ({
          address: t.address,
          abi: erc20Abi,
          functionName: "balanceOf",
          args: [address!],
          chainId: cfg.chain.id,
        }) as const,
    ),
    query: { enabled: !!address, refetchInterval: 4_000 },
  });

  if (status !== "connected" || !address) {
    return <p className="muted">Connect a wallet to see its balances.</p>;
  }
  return (
    <table className="data" data-testid="wallet-balances">
      <thead>
        <tr>
          <th>Asset</th>
          <th className="r">Wallet balance</th>
        </tr>
      </thead>
      <tbody>
        <tr data-testid="balance-ETH">
          <td>ETH</td>
          <td className="r num">
            {eth.data ? (
              formatUnits(eth.data.value, 18)
            ) : (
              <span className="skeleton" style={{ display: "inline-block", width: 80 }} />
            )}
          </td>
        </tr>
        {cfg.tokens.map((t, i) => {
          const r = tokens.data?.[i];
          return (
            <tr key={t.symbol} data-testid={`balance-${t.symbol}`}>
              <td>{t.symbol}</td>
              <td className="r num">
                {r?.status === "success" ? (
                  formatUnits(r.result as bigint, t.decimals)
                ) : r?.status === "failure" ? (
                  <span className="error-text">unreadable</span>
                ) : (
                  <span className="skeleton" style={{ display: "inline-block", width: 80 }} />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
