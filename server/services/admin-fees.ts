/**
 * Ops console, fees: withdrawing from the exchange's custody account.
 *
 * Fees are value moved to the exchange's side of each trader's channel; they reach the exchange's
 * FREE custody balance (`Custody.balanceOf(exchange, token)`) when channels resize or close
 * (the exchange's side is paid into its custody account). From there the exchange key can take
 * them out with `custody.withdraw(token, amount, to)`.
 *
 * What may leave: the free balance minus what OPENING channels will take from it. prepareOpen
 * signs an INITIALIZE state whose exchange allocation (the coverage) is debited from the
 * exchange's free balance when the trader's depositAndOpen is mined; it already subtracts what
 * earlier OPENING channels reserved (reservedForOpening in server/channels/repository.ts), and the withdrawal uses
 * the SAME rule, so a withdrawal never takes tokens a signed-but-unmined open counts on. Both
 * run under the process's coverage lock (server/channels/coverage-lock.ts), so a withdrawal and
 * a prepareOpen that overlap take turns and each sees the other's effect. Coverage
 * already locked in ACTIVE channels is not in the free balance at all (`coverage(token)`'s second
 * figure) and cannot be withdrawn. The engine's `@fees` account is the ledger of what was earned
 * and is not touched: the withdrawal moves tokens the exchange owns on-chain, the books owe
 * traders nothing less.
 */
import { getAddress, type Address, type Hex, type PublicClient } from "viem";
import { custodyAbi } from "../../contracts/generated";
import type { Deployment } from "../../contracts/deploy/deployment";
import { fromBaseUnits, toBaseUnits } from "../../core/money/units";
import { ClearlineError } from "../../core/errors";
import type { ExchangeWallet } from "../chain/watchtower";
import type { Db } from "../db";
import type { CoverageLock } from "../channels/coverage-lock";
import { reservedForOpening } from "../channels/repository";
import { audited } from "./audit";

export interface FeeWithdrawalChain {
  client: PublicClient;
  wallet: ExchangeWallet;
  deployment: Pick<Deployment, "custody" | "exchange" | "tokens">;
  /** the channel service's lock over the exchange's free custody balance */
  coverageLock: CoverageLock;
}

export interface WithdrawableRow {
  asset: string;
  token: string;
  decimals: number;
  /** Custody.balanceOf(exchange, token): the exchange's free custody balance */
  balance: bigint;
  /** the exchange allocations of OPENING channels' INITIALIZE states: debited when their opens are mined */
  reservedForOpening: bigint;
  /** balance − reservedForOpening (never below 0): what a withdrawal may take */
  available: bigint;
}

async function withdrawableOf(
  db: Db,
  chain: Omit<FeeWithdrawalChain, "coverageLock">,
  t: { symbol: string; address: string; decimals: number },
): Promise<WithdrawableRow> {
  const [balance, reserved] = await Promise.all([
    chain.client.readContract({
      address: chain.deployment.custody,
      abi: custodyAbi,
      functionName: "balanceOf",
      args: [chain.deployment.exchange as Address, t.address as Address],
    }),
    reservedForOpening(db, t.address),
  ]);
  return {
    asset: t.symbol,
    token: t.address.toLowerCase(),
    decimals: t.decimals,
    balance,
    reservedForOpening: reserved,
    available: balance > reserved ? balance - reserved : 0n,
  };
}

/** Per custody token: the exchange's free balance, what pending opens reserve, and what may be withdrawn. */
export async function withdrawable(
  db: Db,
  chain: Omit<FeeWithdrawalChain, "coverageLock">,
): Promise<WithdrawableRow[]> {
  return Promise.all(Object.values(chain.deployment.tokens).map((t) => withdrawableOf(db, chain, t)));
}

export interface FeeWithdrawal {
  token: string;
  asset: string;
  amount: bigint;
  to: Address;
  txHash: Hex;
  balanceBefore: bigint;
  balanceAfter: bigint;
  auditId: bigint;
}

/**
 * Withdraw `amount` (a decimal string of WHOLE tokens, "125.5") of `token` from the exchange's
 * custody account to `to`: checked against what is available (free balance minus what OPENING
 * channels reserve), sent with the exchange key, receipt awaited, then audited
 * (`fees.withdraw`: balances before/after, amount, to, reason, tx hash).
 */
export async function withdrawFees(
  db: Db,
  actor: string,
  input: { token: string; amount: string; to: string; reason: string },
  chain: FeeWithdrawalChain,
): Promise<FeeWithdrawal> {
  const t = Object.values(chain.deployment.tokens).find((x) => x.address.toLowerCase() === input.token.toLowerCase());
  if (t === undefined) {
    const held = Object.values(chain.deployment.tokens)
      .map((x) => `${x.symbol} ${x.address}`)
      .join(", ");
    throw new ClearlineError("INVALID_INPUT", `token: ${input.token} is not a custody token (custody holds ${held})`, {
      field: "token",
      token: input.token,
    });
  }
  let amount: bigint;
  try {
    amount = toBaseUnits(input.amount, t.decimals);
  } catch {
    throw new ClearlineError(
      "INVALID_INPUT",
      `amount: "${input.amount}" is not a decimal number of whole ${t.symbol} with at most ${t.decimals} decimals`,
      { field: "amount", amount: input.amount },
    );
  }
  if (amount <= 0n)
    throw new ClearlineError("INVALID_INPUT", "amount: must be positive", { field: "amount", amount: input.amount });
  const to = getAddress(input.to);
  if (to === "0x0000000000000000000000000000000000000000")
    throw new ClearlineError("INVALID_INPUT", "to: the zero address cannot receive tokens", { field: "to" });

  // under the coverage lock until the receipt: a prepareOpen (or another withdrawal) waiting on it then reads the lowered balance
  return chain.coverageLock.run(async () => {
    const before = await withdrawableOf(db, chain, t);
    if (amount > before.available) {
      const fmt = (v: bigint) => `${fromBaseUnits(v, t.decimals)} ${t.symbol}`;
      throw new ClearlineError(
        "INSUFFICIENT_BALANCE",
        `amount ${fmt(amount)} is above what is available: ${fmt(before.available)} (free custody balance ${fmt(before.balance)} minus ${fmt(before.reservedForOpening)} reserved for channels being opened and pending top-ups)`,
        {
          token: t.address,
          amount,
          available: before.available,
          balance: before.balance,
          reservedForOpening: before.reservedForOpening,
        },
      );
    }
    const txHash = await chain.wallet.writeContract({
      address: chain.deployment.custody,
      abi: custodyAbi,
      functionName: "withdraw",
      args: [t.address as Address, amount, to],
    });
    const receipt = await chain.client.waitForTransactionReceipt({ hash: txHash, timeout: 60_000 });
    if (receipt.status !== "success")
      throw new ClearlineError("PRECONDITION_FAILED", `withdraw transaction ${txHash} reverted`, {
        token: t.address,
        txHash,
      });
    const balanceAfter = await chain.client.readContract({
      address: chain.deployment.custody,
      abi: custodyAbi,
      functionName: "balanceOf",
      args: [chain.deployment.exchange as Address, t.address as Address],
      blockNumber: receipt.blockNumber,
    });
    const { auditId } = await audited(db, { actor, action: "fees.withdraw", target: t.symbol }, async () => ({
      before: {
        custodyBalance: before.balance,
        reservedForOpening: before.reservedForOpening,
        available: before.available,
      },
      after: {
        custodyBalance: balanceAfter,
        amount,
        token: t.address,
        to,
        reason: input.reason,
        txHash,
        block: receipt.blockNumber,
      },
      result: null,
    }));
    return {
      token: t.address.toLowerCase(),
      asset: t.symbol,
      amount,
      to,
      txHash,
      balanceBefore: before.balance,
      balanceAfter,
      auditId,
    };
  });
}
