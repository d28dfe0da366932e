"use client";
import Link from "next/link";
import { useCoSignLatest } from "./useCoSign";

/** Header badge: how many exchange-signed states wait for the trader's co-signature (signed at the next order or withdrawal). */
export function PendingStatesBadge() {
  const { pending, isSigning, channelId } = useCoSignLatest();
  if (!channelId || (pending.count === 0 && !isSigning)) return null;
  const label = isSigning ? "Co-signing…" : `${pending.count} to co-sign`;
  return (
    <Link
      href="/channel"
      className="badge cosign-badge"
      data-testid="pending-states-badge"
      title={`State v${pending.version ?? "?"} is signed by the exchange and awaits your signature. It is co-signed with your next order or withdrawal, or from the Channel page.`}
      aria-label={`${label}: states awaiting your signature`}
    >
      <span className="cosign-dot" aria-hidden />
      {label}
    </Link>
  );
}
