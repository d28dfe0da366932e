"use client";
import { useQuery } from "@tanstack/react-query";
import { useCoSignLatest } from "../_channel/useCoSign";
import { toast } from "../_components/toast";
import { useTRPC } from "../_trpc/client";

/**
 * "N states awaiting your signature": the exchange signs a new channel state after every fill;
 * the trader co-signs only the latest, on the next order (or here, on demand).
 */
export function CoSignBadge() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const coSign = useCoSignLatest();
  if (!me.data || !coSign.channelId) return null;
  const n = coSign.pending.count;
  if (n === 0) {
    return (
      <span className="badge ok" data-testid="cosign-badge" data-pending="0" title={`Latest co-signed version: ${coSign.coSignedVersion?.toString() ?? "—"}`}>
        States co-signed
      </span>
    );
  }
  return (
    <button
      type="button"
      className="badge warn trade-cosign"
      data-testid="cosign-badge"
      data-pending={n}
      disabled={coSign.isSigning}
      title="The exchange signed newer channel states. They are co-signed with your next order; click to co-sign the latest now."
      onClick={() =>
        coSign.coSignLatest().then(
          () => toast.success("Channel state co-signed", "You now hold the latest state signed by both sides."),
          (e: unknown) => toast.fromError("Co-signing failed", e),
        )
      }
    >
      {coSign.isSigning ? "Co-signing…" : `${n} state${n === 1 ? "" : "s"} awaiting your signature`}
    </button>
  );
}
