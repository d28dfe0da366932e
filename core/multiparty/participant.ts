/**
 * One participant's side of a channel (the seed's `MultiPartyChannel`, without chain or network):
 * it writes its own ops — only ones valid in its own view, naming as dependencies only ops it
 * has evaluated, so they are valid for everyone — takes peers' messages, and signs checkpoints.
 * What it sends is queued in an outbox; carrying messages between peers is the caller's job.
 */
import type { Address, Hex } from "viem";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes } from "../channel/bytes";
import { checkpointOf, signCheckpoint, type Checkpoint } from "./checkpoint";
import { refuse } from "./errors";
import { fold } from "./fold";
import { Replica } from "./replica";
import { signHead } from "./sign";
import type { MultipartyState } from "./state";
import { type ChannelConfig, type KnownDeposits, type Message, type Op, type OpBody } from "./types";

export interface ParticipantOptions {
  /** sign a head every this many own ops instead of each op alone (0: each op alone) */
  headEvery?: number;
}

/** One participant's side of a channel: its key, its replica and its outbox. */
export class Participant {
  readonly address: Address;
  readonly replica: Replica;
  private readonly outbox: Message[] = [];
  private last?: { seq: number; id: Hex };
  private unheaded = 0;

  constructor(
    config: ChannelConfig,
    deposits: KnownDeposits,
    private readonly privateKey: Hex,
    private readonly options: ParticipantOptions = {},
  ) {
    this.replica = new Replica(config, deposits);
    this.address = bytesToHex(
      keccak_256(secp256k1.getPublicKey(hexToBytes(privateKey), false).subarray(1)).subarray(12),
    ) as Address;
    if (!this.replica.config.participants.includes(this.address))
      refuse("MULTIPARTY_NOT_PARTICIPANT", `${this.address} is not a participant`, { author: this.address });
  }

  /** Credits an on-chain deposit of this participant. */
  deposit(depositId: Hex): Hex {
    const onChain = this.replica.knownDeposits.get(depositId.toLowerCase() as Hex);
    if (!onChain) refuse("MULTIPARTY_OP_INVALID", `deposit ${depositId} is not known on chain`, { depositId });
    return this.write({ kind: "deposit", token: onChain.token, amount: onChain.amount, depositId });
  }

  /** Pays `amount` of `token` to another participant. */
  transfer(to: Address, token: Address, amount: bigint): Hex {
    return this.write({ kind: "transfer", to, token, amount });
  }

  /** Takes `amount` of `token` out (paid on chain at settlement). */
  withdraw(token: Address, amount: bigint): Hex {
    return this.write({ kind: "withdraw", token, amount });
  }

  /** Reserves funds for the matcher to trade (the seed's placeOrder); returns the lock id. */
  placeOrder(token: Address, amount: bigint): Hex {
    return this.write({ kind: "lock", token, amount, matcher: this.replica.config.matcher });
  }

  /** Asks the matcher to stop filling one of this participant's locks. */
  cancelOrder(lock: Hex): Hex {
    return this.write({ kind: "cancel", lock });
  }

  /** Matcher only: fills two locks against each other (the seed's executeTrade). */
  executeTrade(fill: { makerLock: Hex; takerLock: Hex; makerAmount: bigint; takerAmount: bigint }): Hex {
    return this.write({ kind: "fill", ...fill });
  }

  /** Matcher only: returns what is left of a lock (or part of it) to its owner. */
  unlock(lock: Hex, amount: bigint): Hex {
    return this.write({ kind: "unlock", lock, amount });
  }

  /** Matcher only: publishes a mark price. */
  mark(market: Hex, priceE8: bigint): Hex {
    return this.write({ kind: "mark", market, priceE8 });
  }

  /** Asks for `account` to be liquidated at the cited mark. */
  requestLiquidation(account: Address, market: Hex, mark: Hex): Hex {
    return this.write({ kind: "liquidation", account, market, mark });
  }

  /** Takes peers' messages (the seed's syncWithPeers); refuses forged ones with a MultipartyError. */
  syncWithPeers(messages: readonly Message[]): void {
    for (const message of messages) this.replica.receive(message);
  }

  /** The messages written since the last call (a head for any unheaded ops included). */
  takeOutbox(): Message[] {
    if (this.unheaded > 0) this.pushHead();
    return this.outbox.splice(0);
  }

  /** The state as this participant's log folds it (the seed's getCurrentState). */
  getCurrentState(): MultipartyState {
    return this.replica.state();
  }

  /** This participant's checkpoint at `version` and its signature over it. */
  signCheckpoint(version: bigint): { checkpoint: Checkpoint; signature: Hex } {
    const checkpoint = checkpointOf(this.replica.state(), version);
    return { checkpoint, signature: signCheckpoint(this.replica.config.domain, checkpoint, this.privateKey) };
  }

  private write(body: OpBody): Hex {
    const { config } = this.replica;
    const heads = this.replica.state().heads;
    // continue the own chain as the log has it: after a restart, syncing one's own ops back from
    // peers first continues the chain instead of forking it (which would cut it for everyone)
    const own = heads.find((h) => h.author === this.address)!;
    const seq = own.count;
    const deps = heads.filter((h) => h.author !== this.address && h.count > 0).map((h) => h.head);
    const op = { channelId: config.channelId, author: this.address, seq, prev: own.head, deps, ...body } as Op;
    // judge it in this participant's own view before signing: what is valid here is valid everywhere
    const trial = this.replica.log.clone();
    const { id, signature } = trial.addOwnOp(op, this.privateKey);
    const verdict = fold(trial, this.replica.knownDeposits).statuses.get(id);
    if (verdict?.state !== "valid")
      refuse(
        "MULTIPARTY_OP_INVALID",
        `${body.kind} is not valid here: ${verdict?.state === "invalid" ? verdict.reason : verdict?.state}`,
        {
          kind: body.kind,
          verdict: verdict?.state === "invalid" ? verdict.reason : (verdict?.state ?? "unknown"),
        },
      );
    this.replica.mergeFrom(trial);
    this.last = { seq, id };
    if (!this.options.headEvery) this.outbox.push({ type: "op", op, signature });
    else {
      this.outbox.push({ type: "op", op });
      if (++this.unheaded >= this.options.headEvery) this.pushHead();
    }
    return id;
  }

  private pushHead(): void {
    const { config } = this.replica;
    const head = signHead(
      config.domain,
      { channelId: config.channelId, author: this.address, seq: this.last!.seq, head: this.last!.id },
      this.privateKey,
    );
    this.outbox.push({ type: "head", head });
    this.unheaded = 0;
  }
}
