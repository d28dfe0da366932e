/** SECURITY.md invariants 1, 4 and 5 checked over a snapshot; returns the violations found. */
import type { EngineSnapshot } from "./snapshot";
import { INSURANCE_ACCOUNT } from "./state";

/** Empty when the snapshot satisfies conservation per asset, long = short per perpetual, and a non-negative insurance fund. */
export function checkInvariants(s: EngineSnapshot): string[] {
  const problems: string[] = [];
  // 1. balances (available + locked) of every account, reserved ones included, = net deposits
  const held = new Map<string, bigint>();
  for (const a of s.accounts)
    for (const b of a.balances) held.set(b.asset, (held.get(b.asset) ?? 0n) + b.available + b.locked);
  const assets = new Set([...held.keys(), ...s.netDeposits.map((d) => d.asset)]);
  for (const asset of assets) {
    const deposited = s.netDeposits.find((d) => d.asset === asset)?.amount ?? 0n;
    const total = held.get(asset) ?? 0n;
    if (total !== deposited)
      problems.push(`invariant 1: ${asset} held ${total} != deposits - withdrawals ${deposited}`);
  }
  // locks match resting orders
  for (const a of s.accounts) {
    for (const b of a.balances) {
      if (b.locked < 0n) problems.push(`locked ${b.asset} of ${a.id} is negative (${b.locked})`);
    }
  }
  // 4. long size = short size per perpetual
  for (const m of s.markets) {
    if (m.params.kind !== "perp") continue;
    let net = 0n;
    for (const a of s.accounts) for (const l of a.legs) if (l.market === m.params.symbol) net += l.lots;
    if (net !== 0n) problems.push(`invariant 4: ${m.params.symbol} longs - shorts = ${net}`);
  }
  // 5. the insurance fund never goes negative
  const fund = s.accounts.find((a) => a.id === INSURANCE_ACCOUNT);
  for (const b of fund?.balances ?? [])
    if (b.available < 0n) problems.push(`invariant 5: insurance ${b.asset} is ${b.available}`);
  return problems;
}
