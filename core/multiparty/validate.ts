/**
 * Shape checks of what enters the core: the channel config, ops and heads. Anything that cannot
 * be encoded or does not belong to the channel is refused with a typed MultipartyError; what is
 * well formed but breaks a rule of the fold (overspending, a forged lock) is judged by the fold.
 */
import type { Address, Hex } from "viem";
import { refuse } from "./errors";
import { MAX_PARTICIPANTS, MAX_UINT256, type ChannelConfig, type Op, type SignedHead } from "./types";

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const SIGNATURE = /^0x[0-9a-fA-F]{130}$/;

function hash32(value: unknown, field: string): Hex {
  if (typeof value !== "string" || !HEX32.test(value))
    refuse("MULTIPARTY_MALFORMED", `${field} is not 32-byte hex`, { field });
  return value.toLowerCase() as Hex;
}

function address(value: unknown, field: string): Address {
  if (typeof value !== "string" || !ADDRESS.test(value))
    refuse("MULTIPARTY_MALFORMED", `${field} is not an address`, { field });
  return value.toLowerCase() as Address;
}

/** Amounts are positive uint256: a zero-amount op is noise, a larger one cannot be encoded. */
function amount(value: unknown, field: string): bigint {
  if (typeof value !== "bigint" || value <= 0n || value > MAX_UINT256)
    refuse("MULTIPARTY_MALFORMED", `${field} must be a bigint in 1..2^256-1`, { field });
  return value;
}

function seqOf(value: unknown, config: ChannelConfig): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value >= config.maxOpsPerAuthor)
    refuse("MULTIPARTY_MALFORMED", `seq must be an integer in 0..${config.maxOpsPerAuthor - 1}`, {
      seq: typeof value === "number" ? value : String(value),
      maxOpsPerAuthor: config.maxOpsPerAuthor,
    });
  return value;
}

/** The config with addresses lower-cased; throws MULTIPARTY_CONFIG_INVALID when it breaks a bound. */
export function validateConfig(config: ChannelConfig): ChannelConfig {
  const participants = config.participants.map((p, i) => address(p, `participants[${i}]`));
  const count = participants.length;
  if (count < 2 || count > MAX_PARTICIPANTS)
    refuse("MULTIPARTY_CONFIG_INVALID", `${count} participants, expected 2..${MAX_PARTICIPANTS}`, { count });
  for (let i = 1; i < count; i++)
    if (participants[i]! <= participants[i - 1]!)
      refuse("MULTIPARTY_CONFIG_INVALID", "participants must be strictly ascending", { index: i });
  const matcher = address(config.matcher, "matcher");
  if (!participants.includes(matcher)) refuse("MULTIPARTY_CONFIG_INVALID", "matcher is not a participant", { matcher });
  if (!Number.isSafeInteger(config.maxOpsPerAuthor) || config.maxOpsPerAuthor < 1 || config.maxOpsPerAuthor > 2 ** 32)
    refuse("MULTIPARTY_CONFIG_INVALID", "maxOpsPerAuthor must be in 1..2^32", {
      maxOpsPerAuthor: config.maxOpsPerAuthor,
    });
  if (!Number.isSafeInteger(config.domain.chainId) || config.domain.chainId < 1)
    refuse("MULTIPARTY_CONFIG_INVALID", "chainId must be a positive integer", { chainId: config.domain.chainId });
  return {
    channelId: hash32(config.channelId, "channelId"),
    domain: {
      chainId: config.domain.chainId,
      verifyingContract: address(config.domain.verifyingContract, "verifyingContract"),
    },
    participants,
    matcher,
    maxOpsPerAuthor: config.maxOpsPerAuthor,
  };
}

function header(op: Op, config: ChannelConfig) {
  const channelId = hash32(op.channelId, "channelId");
  if (channelId !== config.channelId)
    refuse("MULTIPARTY_WRONG_CHANNEL", `op for channel ${channelId}`, { channelId, expected: config.channelId });
  const author = address(op.author, "author");
  if (!config.participants.includes(author))
    refuse("MULTIPARTY_NOT_PARTICIPANT", `${author} is not a participant`, { author });
  const seq = seqOf(op.seq, config);
  const prev = hash32(op.prev, "prev");
  if (!Array.isArray(op.deps) || op.deps.length > config.participants.length)
    refuse("MULTIPARTY_MALFORMED", `deps: at most one head per participant (${config.participants.length})`, {});
  const deps = op.deps.map((d, i) => hash32(d, `deps[${i}]`));
  return { channelId, author, seq, prev, deps };
}

/** The op in canonical form (lower-case hex); throws a MultipartyError if it cannot belong to `config`. */
export function validateOp(op: Op, config: ChannelConfig): Op {
  const h = header(op, config);
  switch (op.kind) {
    case "deposit":
      return {
        ...h,
        kind: op.kind,
        token: address(op.token, "token"),
        amount: amount(op.amount, "amount"),
        depositId: hash32(op.depositId, "depositId"),
      };
    case "withdraw":
      return { ...h, kind: op.kind, token: address(op.token, "token"), amount: amount(op.amount, "amount") };
    case "transfer":
      return {
        ...h,
        kind: op.kind,
        to: address(op.to, "to"),
        token: address(op.token, "token"),
        amount: amount(op.amount, "amount"),
      };
    case "lock":
      return {
        ...h,
        kind: op.kind,
        token: address(op.token, "token"),
        amount: amount(op.amount, "amount"),
        matcher: address(op.matcher, "matcher"),
      };
    case "unlock":
      return { ...h, kind: op.kind, lock: hash32(op.lock, "lock"), amount: amount(op.amount, "amount") };
    case "cancel":
      return { ...h, kind: op.kind, lock: hash32(op.lock, "lock") };
    case "fill": {
      const makerAmount = op.makerAmount === 0n ? 0n : amount(op.makerAmount, "makerAmount");
      const takerAmount = op.takerAmount === 0n ? 0n : amount(op.takerAmount, "takerAmount");
      if (makerAmount === 0n && takerAmount === 0n) refuse("MULTIPARTY_MALFORMED", "a fill moves something", {});
      return {
        ...h,
        kind: op.kind,
        makerLock: hash32(op.makerLock, "makerLock"),
        takerLock: hash32(op.takerLock, "takerLock"),
        makerAmount,
        takerAmount,
      };
    }
    case "mark":
      return { ...h, kind: op.kind, market: hash32(op.market, "market"), priceE8: amount(op.priceE8, "priceE8") };
    case "liquidation":
      return {
        ...h,
        kind: op.kind,
        account: address(op.account, "account"),
        market: hash32(op.market, "market"),
        mark: hash32(op.mark, "mark"),
      };
    default:
      return refuse("MULTIPARTY_MALFORMED", `unknown op kind ${(op as { kind: unknown }).kind}`, {});
  }
}

/** The head in canonical form; throws a MultipartyError if malformed or not a participant's. */
export function validateHead(head: SignedHead, config: ChannelConfig): SignedHead {
  const channelId = hash32(head.channelId, "channelId");
  if (channelId !== config.channelId)
    refuse("MULTIPARTY_WRONG_CHANNEL", `head for channel ${channelId}`, { channelId, expected: config.channelId });
  const author = address(head.author, "author");
  if (!config.participants.includes(author))
    refuse("MULTIPARTY_NOT_PARTICIPANT", `${author} is not a participant`, { author });
  return {
    channelId,
    author,
    seq: seqOf(head.seq, config),
    head: hash32(head.head, "head"),
    signature: signature(head.signature),
  };
}

/** A 65-byte hex signature, lower-cased (its strict checks happen in core/channel's parser). */
export function signature(value: unknown): Hex {
  if (typeof value !== "string" || !SIGNATURE.test(value))
    refuse("MULTIPARTY_SIGNATURE_INVALID", "signature is not 65-byte hex", {});
  return value.toLowerCase() as Hex;
}
