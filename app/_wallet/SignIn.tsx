"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createSiweMessage } from "viem/siwe";
import { useConnection, useSignMessage } from "wagmi";
import { useTRPC } from "../_trpc/client";
import { usePublicConfig } from "./public-config";

/**
 * Sign-In with Ethereum: asks the server for a single-use nonce, has the wallet sign an EIP-4361
 * message for this page's origin and the exchange's chain (personal_sign), and trades it for a
 * session cookie. Shows who is signed in, with roles, and signs out.
 */
export function SignIn() {
  const cfg = usePublicConfig();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const signMessage = useSignMessage();
  const me = useQuery(trpc.auth.me.queryOptions());
  const nonce = useMutation(trpc.auth.nonce.mutationOptions());
  const signIn = useMutation(trpc.auth.signIn.mutationOptions());
  const signOut = useMutation(trpc.auth.signOut.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() });

  async function start() {
    const address = connection.address;
    if (!address) return;
    setError(null);
    try {
      const issued = await nonce.mutateAsync();
      const message = createSiweMessage({
        domain: window.location.host,
        address,
        statement: "Sign in to Clearline.",
        uri: window.location.origin,
        version: "1",
        chainId: cfg.chain.id,
        nonce: issued.nonce,
        issuedAt: new Date(),
        expirationTime: issued.expiresAt,
      });
      const signature = await signMessage.mutateAsync({ message });
      await signIn.mutateAsync({ message, signature });
    } catch (e) {
      setError((e as Error).message.split("\n")[0] ?? "Sign-in failed");
    } finally {
      await refresh();
    }
  }

  const session = me.data;
  const busy = nonce.isPending || signMessage.isPending || signIn.isPending;
  const sameAccount =
    session && connection.address && session.address.toLowerCase() === connection.address.toLowerCase();

  if (session) {
    return (
      <div className="wallet-menu" data-testid="session">
        <span className="muted" title={`${session.address} (${session.roles.join(", ")})`}>
          <span className="session-label">Signed in </span>
          <span className="num" data-testid="session-address">
            {session.address.slice(0, 6)}…{session.address.slice(-4)}
          </span>
        </span>
        <span className="badge session-roles" data-testid="session-roles">
          {session.roles.join(" · ")}
          {session.suspended ? " · suspended" : ""}
        </span>
        {connection.address && !sameAccount && (
          <button onClick={start} disabled={busy}>
            Sign in as {connection.address.slice(0, 6)}…
          </button>
        )}
        <button onClick={() => signOut.mutateAsync().finally(refresh)} disabled={signOut.isPending}>
          Sign out
        </button>
      </div>
    );
  }
  if (connection.status !== "connected" || !connection.address) return null;
  return (
    <div className="wallet-menu">
      <button className="primary" onClick={start} disabled={busy || me.isPending}>
        {signMessage.isPending ? "Confirm in your wallet…" : busy ? "Signing in…" : "Sign in"}
      </button>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
