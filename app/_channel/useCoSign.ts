"use client";
/**
 * Co-signing without a prompt per fill: the exchange signs a new state after every batch that
 * touches the trader; the trader co-signs only the LATEST one, when they next place an order or
 * withdraw (co-signing version N makes N the newest state both signed; older ones need nothing).
 *
 * `useCoSignLatest()` knows the latest exchange-signed state (channel.latestState, kept current
 * by ONE shared channel.states subscription per channel however many components use the hook),
 * exposes `pending` for the header badge, and `coSignLatest()` which has the wallet sign the
 * state's EIP-712 typed data — built here with core/channel's `stateTypedData` over the public
 * config's chain id and custody address, never taken from the server — and submits it with
 * channel.submitCoSignature. Every co-signed state is also kept in localStorage (storage.ts) so
 * the dispute action works when the exchange does not answer.
 */
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import type { Address, Hex } from "viem";
import { useConnection, useSignTypedData } from "wagmi";
import { stateTypedData } from "@/core/channel";
import { useTRPC, useTRPCClient } from "../_trpc/client";
import { usePublicConfig } from "../_wallet/public-config";
import { clearlineCodeOf, describeError } from "./errors";
import { saveCoSigned } from "./storage";
import { channelDomainOf, toChannelState, type WireStoredState } from "./types";

/** A state the exchange signed, as channel.latestState / channel.states / a pending request carry it. */
export interface ExchangeSignedState {
  state: WireStoredState["state"];
  exchangeSignature: string;
}

export interface CoSignLatest {
  /** the trader's newest channel, null while loading, signed out or without a channel */
  channelId: Hex | null;
  /** the newest exchange-signed state */
  latest: WireStoredState | null;
  /** the newest version both signed */
  coSignedVersion: bigint | null;
  /** states issued since the last co-signature: `count` versions, the newest being `version` */
  pending: { count: number; version: bigint | null };
  isSigning: boolean;
  /** what went wrong in the last co-signing attempt and what to do (null after a success) */
  error: string | null;
  /** signs and submits the latest state (and a pending RESIZE below it first); resolves when the exchange stored it; no-op when nothing is pending */
  coSignLatest: () => Promise<void>;
  /** signs and submits the given states in order (a withdraw's or close's `toSign`) */
  coSignStates: (states: readonly ExchangeSignedState[]) => Promise<Hex[]>;
}

// ── one subscription per channel, shared by every mounted hook ─────────────────────────────
const subscriptions = new Map<string, { refs: number; stop: () => void }>();
/** exchange-signed states seen on the stream, by channel, above the co-signed version */
const seenStates = new Map<string, Map<bigint, WireStoredState>>();
/** one co-signing run per channel at a time: a second caller waits for the same promise */
const inFlight = new Map<string, Promise<unknown>>();
const signingListeners = new Set<() => void>();
const notifySigning = () => signingListeners.forEach((l) => l());

function acquire(channelId: string, start: () => () => void): () => void {
  const existing = subscriptions.get(channelId);
  if (existing) existing.refs += 1;
  else subscriptions.set(channelId, { refs: 1, stop: start() });
  return () => {
    const s = subscriptions.get(channelId);
    if (!s) return;
    s.refs -= 1;
    if (s.refs === 0) {
      subscriptions.delete(channelId);
      s.stop();
    }
  };
}

type LatestData = { latest: WireStoredState; coSigned: WireStoredState | null };

function mergeState(queryClient: QueryClient, key: readonly unknown[], s: WireStoredState) {
  const id = s.state.channelId.toLowerCase();
  let m = seenStates.get(id);
  if (!m) seenStates.set(id, (m = new Map()));
  m.set(s.state.version, s);
  queryClient.setQueryData<LatestData>(key, (old) => {
    if (!old || old.latest.state.channelId.toLowerCase() !== id) return old;
    const latest = s.state.version > old.latest.state.version ? s : old.latest;
    const coSigned =
      s.traderSignature && (!old.coSigned || s.state.version > old.coSigned.state.version) ? s : old.coSigned;
    return { latest, coSigned };
  });
}

export function useCoSignLatest(): CoSignLatest {
  const cfg = usePublicConfig();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const connection = useConnection();
  const signTypedData = useSignTypedData();
  const me = useQuery(trpc.auth.me.queryOptions());
  const signedIn = !!me.data;
  const latestKey = trpc.channel.latestState.queryKey();
  const presence = useQuery({ ...trpc.account.channelPresence.queryOptions(), enabled: signedIn });
  const latestQuery = useQuery({
    ...trpc.channel.latestState.queryOptions(),
    // a trader without a channel is not asked (no 404 in the console)
    enabled: signedIn && presence.data?.hasChannel === true,
    retry: (n, e) => clearlineCodeOf(e) !== "CHANNEL_NOT_FOUND" && n < 2,
  });
  const [error, setError] = useState<string | null>(null);
  const data = signedIn ? latestQuery.data : undefined;
  const channelId = (data?.latest.state.channelId.toLowerCase() as Hex | undefined) ?? null;
  const domain = channelDomainOf(cfg);
  const trader = me.data?.address as Address | undefined;

  // keep the newest co-signed state in the browser for the dispute action
  const coSigned = data?.coSigned ?? null;
  useEffect(() => {
    if (!coSigned?.traderSignature || !domain || !trader) return;
    saveCoSigned(domain.chainId, domain.verifyingContract, {
      state: toChannelState(coSigned.state),
      exchangeSignature: coSigned.exchangeSignature as Hex,
      traderSignature: coSigned.traderSignature as Hex,
      trader,
      savedAt: Date.now(),
    });
  }, [coSigned, domain?.chainId, domain?.verifyingContract, trader]);

  // the live stream of newly signed states (resumes by version after a reconnect)
  const startAfter = data ? (data.coSigned?.state.version ?? -1n) : null;
  const startKey = startAfter === null ? null : `${channelId}`;
  useEffect(() => {
    if (!channelId || startKey === null) return;
    return acquire(channelId, () => {
      const sub = client.channel.states.subscribe(
        { channelId, lastEventId: startAfter! >= 0n ? startAfter!.toString() : null },
        {
          onData: (envelope) => mergeState(queryClient, latestKey, envelope.data as WireStoredState),
          onError: () => void queryClient.invalidateQueries({ queryKey: latestKey }),
        },
      );
      return () => sub.unsubscribe();
    });
    // startAfter is read once per channel: the stream itself resumes after the last version it sent
  }, [channelId, startKey, client, queryClient]);

  const isSigning = useSyncExternalStore(
    (l) => {
      signingListeners.add(l);
      return () => signingListeners.delete(l);
    },
    () => (channelId ? inFlight.has(channelId) : false),
    () => false,
  );

  const signAndSubmit = useCallback(
    async (s: ExchangeSignedState) => {
      if (!domain) throw new Error("The exchange has no custody contract deployed yet. Try again once it is deployed.");
      if (!trader) throw new Error("You are signed out. Sign in with your wallet, then retry.");
      if (connection.status !== "connected" || !connection.address)
        throw new Error("Connect your wallet (button in the header), then retry.");
      if (connection.address.toLowerCase() !== trader.toLowerCase()) {
        throw new Error(
          `Your wallet is on ${connection.address.slice(0, 8)}… but you are signed in as ${trader.slice(0, 8)}…. Switch the wallet account or sign in again.`,
        );
      }
      if (connection.chainId !== domain.chainId)
        throw new Error(
          "Your wallet is on another network. Switch to the exchange's network (button in the header) and retry.",
        );
      const state = toChannelState(s.state);
      const signature = await signTypedData.mutateAsync({
        ...stateTypedData(domain, state),
        account: connection.address,
      });
      await client.channel.submitCoSignature.mutate({ channelId: state.channelId, version: state.version, signature });
      saveCoSigned(domain.chainId, domain.verifyingContract, {
        state,
        exchangeSignature: s.exchangeSignature as Hex,
        traderSignature: signature,
        trader,
        savedAt: Date.now(),
      });
      if ("stateHash" in s)
        mergeState(queryClient, latestKey, { ...(s as WireStoredState), traderSignature: signature });
      return signature;
    },
    [
      domain?.chainId,
      domain?.verifyingContract,
      trader,
      connection.status,
      connection.address,
      connection.chainId,
      signTypedData,
      client,
      queryClient,
    ],
  );

  const refresh = useCallback(async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: latestKey }),
      queryClient.invalidateQueries({ queryKey: trpc.channel.status.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.channel.history.queryKey() }),
    ]);
  }, [queryClient]);

  const run = useCallback(
    async <T>(work: () => Promise<T>): Promise<T> => {
      const id = channelId ?? "none";
      const previous = inFlight.get(id);
      if (previous) await previous.catch(() => undefined);
      const p = (async () => {
        setError(null);
        try {
          return await work();
        } catch (e) {
          setError(describeError(e, "Co-signing"));
          throw e;
        } finally {
          await refresh();
        }
      })();
      inFlight.set(id, p);
      notifySigning();
      try {
        return await p;
      } finally {
        if (inFlight.get(id) === p) inFlight.delete(id);
        notifySigning();
      }
    },
    [channelId, refresh],
  );

  const coSignLatest = useCallback(
    () =>
      run(async () => {
        // nothing pending per the live stream: no round trip before an order
        const cached = queryClient.getQueryData<LatestData>(latestKey);
        if (cached?.latest.traderSignature) return;
        // read fresh: the cache may be a few ms behind the server
        const fresh = await queryClient
          .fetchQuery({ ...trpc.channel.latestState.queryOptions(), staleTime: 0 })
          .catch((e: unknown) => {
            if (clearlineCodeOf(e) === "CHANNEL_NOT_FOUND") return null;
            throw e;
          });
        if (!fresh || fresh.latest.traderSignature) return;
        const status = await client.channel.status.query();
        if (status.status === "CLOSED") return;
        // a pending RESIZE must be co-signed before anything above it
        if (
          status.pendingOp === "RESIZE" &&
          status.pendingVersion !== null &&
          status.pendingVersion < fresh.latest.state.version
        ) {
          const resizeVersion = status.pendingVersion;
          const coSignedV = status.coSignedVersion ?? -1n;
          if (coSignedV < resizeVersion) {
            let resize = seenStates.get(status.channelId.toLowerCase())?.get(resizeVersion);
            if (!resize) resize = await fetchState(client, status.channelId as Hex, resizeVersion);
            if (resize && !resize.traderSignature) await signAndSubmit(resize);
          }
        }
        await signAndSubmit(fresh.latest);
      }),
    [run, queryClient, client, signAndSubmit],
  );

  const coSignStates = useCallback(
    (states: readonly ExchangeSignedState[]) =>
      run(async () => {
        const signatures: Hex[] = [];
        for (const s of [...states].sort((a, b) => (a.state.version < b.state.version ? -1 : 1)))
          signatures.push(await signAndSubmit(s));
        return signatures;
      }),
    [run, signAndSubmit],
  );

  const pending = useMemo(() => {
    if (!data || data.latest.traderSignature) return { count: 0, version: null };
    const from = data.coSigned?.state.version ?? -1n;
    return { count: Number(data.latest.state.version - from), version: data.latest.state.version };
  }, [data]);

  return {
    channelId,
    latest: data?.latest ?? null,
    coSignedVersion: data?.coSigned?.state.version ?? null,
    pending,
    isSigning,
    error,
    coSignLatest,
    coSignStates,
  };
}

/** One state by version, read from the resumable stream (back-fill after version − 1), then the stream is closed. */
function fetchState(
  client: ReturnType<typeof useTRPCClient>,
  channelId: Hex,
  version: bigint,
): Promise<WireStoredState | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sub.unsubscribe();
      resolve(undefined);
    }, 5_000);
    const sub = client.channel.states.subscribe(
      { channelId, lastEventId: version > 0n ? (version - 1n).toString() : null },
      {
        onData: (envelope) => {
          const s = envelope.data as WireStoredState;
          if (s.state.version !== version) return;
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(s);
        },
        onError: () => {
          clearTimeout(timer);
          resolve(undefined);
        },
      },
    );
  });
}
