"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useConnect, useConnection, useConnectors, useDisconnect, useSwitchChain } from "wagmi";
import { useTRPC } from "../_trpc/client";
import { usePublicConfig } from "./public-config";

/**
 * Connect an injected wallet discovered through EIP-6963; shows the address and a one-click
 * network switch. Disconnecting also ends the session: a shared computer is not left signed in.
 */
export function WalletButton() {
  const cfg = usePublicConfig();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signOut = useMutation(trpc.auth.signOut.mutationOptions());
  const connection = useConnection();
  const connectors = useConnectors();
  const connect = useConnect();
  const disconnect = useDisconnect();
  const switchChain = useSwitchChain();
  const [open, setOpen] = useState(false);

  if (connection.status === "connected" && connection.address) {
    const wrongNetwork = connection.chainId !== cfg.chain.id;
    return (
      <div className="wallet-menu wallet-connected">
        {wrongNetwork && (
          <button
            className="primary"
            onClick={() => switchChain.mutate({ chainId: cfg.chain.id })}
            disabled={switchChain.isPending}
          >
            Switch to {cfg.chain.name}
          </button>
        )}
        <span className="num" data-testid="wallet-address" title={connection.address}>
          {connection.address.slice(0, 6)}…{connection.address.slice(-4)}
        </span>
        <button
          onClick={async () => {
            disconnect.mutate();
            await signOut.mutateAsync().catch(() => undefined);
            queryClient.removeQueries({ queryKey: trpc.account.pathKey() });
            await queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });
          }}
        >
          Disconnect
        </button>
      </div>
    );
  }

  // Only wallets announced through EIP-6963 (each installed extension announces itself).
  const discovered = connectors.filter((c) => c.type === "injected" && c.id !== "injected");
  return (
    <div className="wallet-menu">
      <button className="primary" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-haspopup="menu">
        {connection.status === "connecting" || connect.isPending ? "Connecting…" : "Connect wallet"}
      </button>
      {open && (
        <div className="wallet-list" role="menu">
          {discovered.length === 0 && (
            <p className="muted" style={{ margin: 4 }}>
              No browser wallet found. Install one (e.g. MetaMask or Rabby) and reload.
            </p>
          )}
          {discovered.map((connector) => (
            <button
              key={connector.uid}
              role="menuitem"
              onClick={() => {
                setOpen(false);
                connect.mutate({ connector, chainId: cfg.chain.id });
              }}
            >
              {connector.icon && <img src={connector.icon} alt="" />}
              {connector.name}
            </button>
          ))}
          {connect.error && <p className="error-text">{connect.error.message.split("\n")[0]}</p>}
        </div>
      )}
    </div>
  );
}
