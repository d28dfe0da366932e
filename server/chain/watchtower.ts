/**
 * The watchtower: answers a challenge with the exchange's newest co-signed state before the
 * deadline (SECURITY.md attack 3), so a trader who challenges with an old state is paid per the
 * newest. It reads challenges from the chain watcher's records (listOpenChallenges), checks each
 * against the contract's current view, and records every decision in WatchtowerAction.
 *
 * Once per challenge: the response transaction is signed first, its hash and raw bytes stored
 * (SENT), and only then broadcast; a restart finds the stored transaction and waits for (or
 * rebroadcasts) it instead of building another. A failed attempt is retried with exponential
 * backoff while chain time is before the deadline; after it, nothing is sent and the action is
 * MISSED with the reason.
 *
 * An expired challenge that nobody concluded `concludeAfterSeconds` (chain time) after its
 * deadline is concluded by the exchange itself: until then the channel's funds, the exchange's
 * coverage included, stay locked in the contract. The payout is the challenged state's, whoever
 * sends it; the grace period leaves the trader to do it first, with their payout's withdrawal in
 * the same screen. See docs/CHAIN.md.
 *
 * Over 400 lines on purpose: one closure per watchtower, whose steps (follow a sent transaction,
 * conclude, answer, the round) share its options and backoff state; split apart they would pass
 * that state around instead.
 */
import {
  BaseError,
  encodeFunctionData,
  keccak256,
  TransactionNotFoundError,
  TransactionReceiptNotFoundError,
  type Account,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { Deployment } from "../../contracts/deploy/deployment";
import { custodyAbi } from "../../contracts/generated";
import {
  hashStateStruct,
  INTENT_NAMES,
  Intent,
  toAbiState,
  verifyStateSignature,
  type ChannelState,
  type CoSignatures,
} from "../../core/channel";
import type { WatchtowerAction } from "../../generated/prisma/client";
import type { Db } from "../db";
import { listOpenChallenges, type OpenChallenge } from "./watchtower-challenges";

/** The exchange's newest state of a channel that both sides signed (the channels area implements it). */
export interface LatestStateSource {
  latestCoSigned(channelId: Hex): Promise<{ state: ChannelState; sigs: CoSignatures } | null>;
  /** the exchange's stored state of `version` (conclude() needs the challenged state itself), or null */
  stateAt(channelId: Hex, version: bigint): Promise<ChannelState | null>;
}

export type ExchangeWallet = WalletClient<Transport, Chain, Account>;

export interface WatchtowerOptions {
  db: Db;
  client: PublicClient;
  /** signs and sends responses: the exchange's key (any key works on-chain; this one pays the gas) */
  wallet: ExchangeWallet;
  deployment: Pick<Deployment, "custody" | "chainId" | "exchange">;
  states: LatestStateSource;
  /** pause between rounds (default 1000 ms) */
  pollMs?: number;
  /** first retry delay after a failed attempt, doubled per attempt up to retryMaxMs (defaults 1 s, 60 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** how long a round waits for its response's receipt before leaving it to the next round (default 30 s) */
  receiptTimeoutMs?: number;
  /** chain seconds after an expired challenge's deadline before the exchange concludes it itself (default 600) */
  concludeAfterSeconds?: number;
  onError?: (error: unknown) => void;
}

export interface WatchtowerStatus {
  running: boolean;
  lastRoundAt: Date | null;
  lastError: string | null;
  /** open challenges as of the last round, with deadlines and what was done */
  openChallenges: OpenChallenge[];
}

export interface Watchtower {
  /** Runs one round now (after any round in progress). */
  poll(): Promise<void>;
  status(): WatchtowerStatus;
  stop(): Promise<void>;
}

const STATUS_NAMES = ["None", "Active", "Challenged", "Closed"] as const;
const CHALLENGED = 2;

function message(error: unknown): string {
  if (error instanceof BaseError)
    return error.shortMessage + (error.details && error.details !== error.shortMessage ? `: ${error.details}` : "");
  return error instanceof Error ? error.message : String(error);
}

export function startWatchtower(options: WatchtowerOptions): Watchtower {
  const { db, client, wallet, deployment, states } = options;
  const pollMs = options.pollMs ?? 1000;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 60_000;
  const receiptTimeoutMs = options.receiptTimeoutMs ?? 30_000;
  const concludeAfterSeconds = BigInt(options.concludeAfterSeconds ?? 600);
  const onError = options.onError ?? ((error: unknown) => console.error("watchtower:", error));
  const domain = { chainId: deployment.chainId, verifyingContract: deployment.custody };

  const state: WatchtowerStatus = { running: true, lastRoundAt: null, lastError: null, openChallenges: [] };

  const update = (action: WatchtowerAction, data: Partial<Omit<WatchtowerAction, "id">>) =>
    db.watchtowerAction.update({ where: { id: action.id }, data });

  const settle = (
    action: WatchtowerAction,
    outcome: "NOT_NEEDED" | "UNANSWERABLE" | "CLEARED" | "MISSED",
    reason: string,
  ) => update(action, { outcome, reason, nextAttemptAt: null });

  /** when attempt number `attempts` (1, 2, …) may be followed by the next: retryBaseMs doubling up to retryMaxMs */
  const nextAttemptAfter = (attempts: number) =>
    new Date(Date.now() + Math.min(retryMaxMs, retryBaseMs * 2 ** Math.max(0, attempts - 1)));

  async function failAttempt(action: WatchtowerAction, error: unknown, attempts = action.attempts + 1): Promise<void> {
    await update(action, {
      outcome: "PENDING",
      attempts,
      lastError: message(error),
      nextAttemptAt: nextAttemptAfter(attempts),
    });
  }

  /** Resolves a SENT or ANSWERED action from its transaction. Returns true when nothing more is to be done now. */
  async function followTransaction(action: WatchtowerAction, wait: boolean): Promise<boolean> {
    const hash = action.txHash as Hex;
    let receipt = null;
    try {
      receipt = wait
        ? await client.waitForTransactionReceipt({ hash, timeout: receiptTimeoutMs, pollingInterval: 250 })
        : await client.getTransactionReceipt({ hash });
    } catch (error) {
      if (
        !(error instanceof TransactionReceiptNotFoundError) &&
        !(error instanceof BaseError && /timed out|could not be found/i.test(error.message))
      )
        throw error;
    }
    if (receipt?.status === "success") {
      if (action.outcome !== "ANSWERED") {
        await update(action, {
          outcome: "ANSWERED",
          reason: `answered with version ${action.answeredVersion} (${action.method}) in block ${receipt.blockNumber}`,
          lastError: null,
          nextAttemptAt: null,
        });
      }
      return true;
    }
    if (receipt) {
      await failAttempt(
        action,
        new Error(`response ${hash} reverted in block ${receipt.blockNumber}`),
        action.attempts,
      );
      return false;
    }
    // No receipt: still pending, or dropped (or reorged out). Rebroadcast the same signed
    // transaction — same nonce, same hash — so at most one answer can ever be mined.
    const pending = await client.getTransaction({ hash }).catch((error: unknown) => {
      if (error instanceof TransactionNotFoundError) return null;
      throw error;
    });
    if (pending) return true;
    if (!action.rawTransaction) {
      await failAttempt(action, new Error(`response ${hash} is neither mined nor pending`), action.attempts);
      return false;
    }
    try {
      await wallet.sendRawTransaction({ serializedTransaction: action.rawTransaction as Hex });
      if (action.outcome === "ANSWERED")
        await update(action, { outcome: "SENT", reason: `response ${hash} left the chain; rebroadcast` });
      return true;
    } catch (error) {
      // e.g. nonce too low: another transaction took its nonce, so this one can never be mined
      await failAttempt(action, error, action.attempts);
      return false;
    }
  }

  /**
   * After the deadline and the grace period: conclude() with the challenged state, once. Nothing
   * is decided here (the challenged state pays, whoever concludes); a conclude sent twice (a
   * restart before its hash was stored) reverts without effect. The watcher's ChannelClosed then
   * ends the challenge (and the sink settles the engine).
   */
  async function concludeIfDue(challenge: OpenChallenge, action: WatchtowerAction): Promise<void> {
    if (action.concludeTxHash) {
      const hash = action.concludeTxHash as Hex;
      const receipt = await client.getTransactionReceipt({ hash }).catch((error: unknown) => {
        if (error instanceof TransactionReceiptNotFoundError) return null;
        throw error;
      });
      if (receipt?.status === "success") return;
      if (receipt === null && (await client.getTransaction({ hash }).catch(() => null)) !== null) return; // still pending
      // reverted or dropped: look again (someone else may have concluded) and send again if still due
      action = await update(action, {
        concludeTxHash: null,
        lastError: receipt ? `conclude ${hash} reverted` : `conclude ${hash} left the chain`,
      });
    }
    if (action.nextAttemptAt && action.nextAttemptAt > new Date()) return;
    const view = await client.readContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "channel",
      args: [challenge.channelId],
    });
    if (
      view.status !== CHALLENGED ||
      BigInt(view.version) !== challenge.challengedVersion ||
      BigInt(view.challengeDeadline) !== challenge.challengeDeadline
    )
      return;
    const chainTime = (await client.getBlock({ blockTag: "latest" })).timestamp;
    if (chainTime < challenge.challengeDeadline + concludeAfterSeconds) return;
    try {
      const challenged = await states.stateAt(challenge.channelId, challenge.challengedVersion);
      if (challenged === null || hashStateStruct(challenged).toLowerCase() !== view.challengeStateHash.toLowerCase()) {
        throw new Error(
          `cannot conclude: the challenged state (version ${challenge.challengedVersion}, hash ${view.challengeStateHash}) is not one this exchange stored`,
        );
      }
      const args = [toAbiState(challenged)] as const;
      await client.simulateContract({
        address: deployment.custody,
        abi: custodyAbi,
        functionName: "conclude",
        args,
        account: wallet.account,
      });
      const hash = await wallet.writeContract({
        address: deployment.custody,
        abi: custodyAbi,
        functionName: "conclude",
        args,
        account: wallet.account,
        chain: wallet.chain,
      });
      await update(action, {
        concludeTxHash: hash,
        lastError: null,
        nextAttemptAt: null,
        reason: [
          action.reason,
          `concluded by the exchange ${chainTime - challenge.challengeDeadline} s after the deadline: the challenged version ${challenge.challengedVersion} pays out`,
        ]
          .filter(Boolean)
          .join("; "),
      });
    } catch (error) {
      // the outcome stays MISSED (failAttempt would make it PENDING): only the conclude is retried
      const attempts = action.attempts + 1;
      await update(action, { attempts, lastError: message(error), nextAttemptAt: nextAttemptAfter(attempts) });
    }
  }

  async function handle(challenge: OpenChallenge): Promise<void> {
    const key = {
      channelId: challenge.channelId,
      challengedVersion: challenge.challengedVersion,
      challengeDeadline: challenge.challengeDeadline,
    };
    let action = await db.watchtowerAction.upsert({
      where: { channelId_challengedVersion_challengeDeadline: key },
      create: { ...key, challenger: challenge.challenger, challengeTxHash: challenge.txHash, outcome: "PENDING" },
      update: {},
    });
    if (action.outcome === "MISSED") return concludeIfDue(challenge, action);
    if (action.outcome === "SENT" || action.outcome === "ANSWERED") {
      if (await followTransaction(action, false)) return;
      action = await db.watchtowerAction.findUniqueOrThrow({ where: { id: action.id } });
    }
    if (action.nextAttemptAt && action.nextAttemptAt > new Date()) return;

    const view = await client.readContract({
      address: deployment.custody,
      abi: custodyAbi,
      functionName: "channel",
      args: [challenge.channelId],
    });
    if (
      view.status !== CHALLENGED ||
      BigInt(view.version) !== challenge.challengedVersion ||
      BigInt(view.challengeDeadline) !== challenge.challengeDeadline
    ) {
      await settle(
        action,
        "CLEARED",
        `no longer challenged on-chain: the channel is ${STATUS_NAMES[view.status] ?? view.status} at version ${view.version}`,
      );
      return;
    }
    const chainTime = (await client.getBlock({ blockTag: "latest" })).timestamp;
    // respond() needs block.timestamp < deadline, and the next block is at least one second later.
    if (chainTime + 1n >= challenge.challengeDeadline) {
      await settle(
        action,
        "MISSED",
        `deadline ${challenge.challengeDeadline} reached: chain time is ${chainTime}, so an answer mined now would not be before the deadline; nothing sent`,
      );
      return;
    }

    let latest: Awaited<ReturnType<LatestStateSource["latestCoSigned"]>>;
    try {
      latest = await states.latestCoSigned(challenge.channelId);
    } catch (error) {
      await failAttempt(action, error);
      return;
    }
    if (!latest || latest.state.version <= challenge.challengedVersion) {
      await settle(
        action,
        "NOT_NEEDED",
        `the exchange's newest co-signed state is ${latest ? `version ${latest.state.version}` : "missing"}, not newer than the challenged version ${challenge.challengedVersion}`,
      );
      return;
    }
    const { state: newest, sigs } = latest;
    const method = newest.intent === Intent.OPERATE ? "respond" : newest.intent === Intent.CLOSE ? "close" : null;
    if (!method) {
      await settle(
        action,
        "UNANSWERABLE",
        `the newest co-signed state (version ${newest.version}) is a ${INTENT_NAMES[newest.intent]}; only OPERATE (respond) or CLOSE (close) can answer`,
      );
      return;
    }
    const signedBy = (signature: Hex, signer: Hex) => {
      try {
        return verifyStateSignature(domain, newest, signature, signer);
      } catch {
        return false;
      }
    };
    if (
      newest.channelId.toLowerCase() !== challenge.channelId.toLowerCase() ||
      !signedBy(sigs.trader, view.trader) ||
      !signedBy(sigs.exchange, deployment.exchange)
    ) {
      await settle(
        action,
        "UNANSWERABLE",
        `the newest state (version ${newest.version}) is not co-signed for this channel by trader ${view.trader} and the exchange`,
      );
      return;
    }

    const args = [toAbiState(newest), sigs] as const;
    let signed: { hash: Hex; raw: Hex };
    try {
      await client.simulateContract({
        address: deployment.custody,
        abi: custodyAbi,
        functionName: method,
        args,
        account: wallet.account,
      });
      const data = encodeFunctionData({ abi: custodyAbi, functionName: method, args });
      const request = await wallet.prepareTransactionRequest({
        account: wallet.account,
        chain: wallet.chain,
        to: deployment.custody,
        data,
      });
      const raw = await wallet.signTransaction(request);
      signed = { hash: keccak256(raw), raw };
    } catch (error) {
      await failAttempt(action, error);
      return;
    }
    // Recorded before it is broadcast: a restart then follows this transaction instead of signing another.
    action = await update(action, {
      outcome: "SENT",
      method,
      answeredVersion: newest.version,
      txHash: signed.hash,
      rawTransaction: signed.raw,
      attempts: action.attempts + 1,
      reason: `sent ${method} with version ${newest.version}`,
      lastError: null,
      nextAttemptAt: null,
    });
    try {
      await wallet.sendRawTransaction({ serializedTransaction: signed.raw });
    } catch (error) {
      await failAttempt(action, error, action.attempts);
      return;
    }
    await followTransaction(action, true);
  }

  async function round(): Promise<void> {
    // One challenge's failure (an RPC error) must not hold up the others; the round still reports it.
    const failures: unknown[] = [];
    for (const challenge of await listOpenChallenges(db)) {
      await handle(challenge).catch((error: unknown) => failures.push(error));
    }
    // Responses whose challenge the watcher already saw end: settle their receipts.
    for (const action of await db.watchtowerAction.findMany({ where: { outcome: "SENT" } })) {
      await followTransaction(action, false);
    }
    state.openChallenges = await listOpenChallenges(db);
    if (failures.length > 0) throw failures[0];
  }

  let chain: Promise<unknown> = Promise.resolve();
  const poll = (): Promise<void> => {
    const next = chain.then(async () => {
      try {
        await round();
        state.lastError = null;
      } catch (error) {
        state.lastError = message(error);
        throw error;
      } finally {
        state.lastRoundAt = new Date();
      }
    });
    chain = next.catch(() => undefined);
    return next;
  };

  let timer: NodeJS.Timeout | null = null;
  const loop = () => {
    if (!state.running) return;
    poll()
      .catch(onError)
      .finally(() => {
        if (state.running) timer = setTimeout(loop, pollMs);
      });
  };
  loop();

  return {
    poll,
    status: () => ({ ...state, openChallenges: [...state.openChallenges] }),
    async stop() {
      state.running = false;
      if (timer) clearTimeout(timer);
      await chain;
    },
  };
}
