/**
 * PERFORMANCE rows 2–3: the exchange signing channel states and verifying traders'
 * co-signatures, ours (core/channel's precomputed EIP-712 hashing + libsecp256k1 through
 * server/channels/crypto.ts) against viem `signTypedData` / `recoverTypedDataAddress` on the
 * same states, in rounds A B A B, reporting the median of each side.
 *
 *   npx tsx bench/service-crypto.ts [--quick]     (or register it in bench/run.ts as a group)
 */
import { recoverTypedDataAddress, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { HARDHAT_TEST_ACCOUNTS } from "../core/chain/hardhat-test-accounts";
import { Intent, stateTypedData, type ChannelDomain, type ChannelState } from "../core/channel";
import { fastStateSigner, fastStateVerifier, nativeBackend } from "../server/channels/crypto";
import type { BenchGroup, BenchRow } from "./types";
import { runIfMain } from "./lib/standalone";

const DOMAIN: ChannelDomain = { chainId: 31337, verifyingContract: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" };
const USDC = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
const WETH = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512";

/** Realistic states: two assets, growing versions, varying amounts. */
function states(count: number): ChannelState[] {
  const out: ChannelState[] = [];
  for (let i = 0; i < count; i++) {
    const trader = 1_000_000_000n + BigInt(i) * 7_919n;
    out.push({
      channelId: `0x${(i % 251).toString(16).padStart(2, "0").repeat(32)}` as Hex,
      version: BigInt(i + 1),
      intent: Intent.OPERATE,
      allocations: [
        { token: USDC, traderAmount: trader, exchangeAmount: 5_000_000_000n - trader },
        { token: WETH, traderAmount: 10n ** 18n + BigInt(i), exchangeAmount: 3n * 10n ** 18n - BigInt(i) },
      ],
      appDataHash: `0x${(i % 256).toString(16).padStart(2, "0").repeat(32)}` as Hex,
    });
  }
  return out;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function perSecond(count: number, run: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

export const cryptoBench: BenchGroup = async ({ quick }) => {
  nativeBackend(); // throws here, not mid-run, when the addon is missing
  const rounds = quick ? 3 : 7;
  const ourCount = quick ? 500 : 4_000;
  const peerCount = quick ? 60 : 400;
  const key = HARDHAT_TEST_ACCOUNTS[1]!.privateKey;
  const traderKey = HARDHAT_TEST_ACCOUNTS[2]!;
  const viemExchange = privateKeyToAccount(key);
  const signer = fastStateSigner(key);
  const verifier = fastStateVerifier();
  const set = states(ourCount);
  const trader = privateKeyToAccount(traderKey.privateKey);
  // co-signatures to verify, signed by the trader (as a wallet would)
  const cosigned = await Promise.all(
    set.map(async (s) => ({ state: s, signature: await trader.signTypedData(stateTypedData(DOMAIN, s)) })),
  );

  const ours: { sign: number[]; verify: number[] } = { sign: [], verify: [] };
  const peer: { sign: number[]; verify: number[] } = { sign: [], verify: [] };
  let sink = 0;
  for (let r = 0; r < rounds + 1; r++) {
    const warm = r === 0; // first round warms the JIT and the signer-key cache; not counted
    const a = await perSecond(ourCount, () => {
      for (const s of set) sink += signer.sign(DOMAIN, s).signature.length;
    });
    const b = await perSecond(peerCount, async () => {
      for (let i = 0; i < peerCount; i++)
        sink += (await viemExchange.signTypedData(stateTypedData(DOMAIN, set[i]!))).length;
    });
    const c = await perSecond(ourCount, () => {
      for (const { state, signature } of cosigned)
        if (!verifier.verify(DOMAIN, state, signature, trader.address)) throw new Error("our verify failed");
    });
    const d = await perSecond(peerCount, async () => {
      for (let i = 0; i < peerCount; i++) {
        const { state, signature } = cosigned[i]!;
        if ((await recoverTypedDataAddress({ ...stateTypedData(DOMAIN, state), signature })) !== trader.address)
          throw new Error("viem recover failed");
      }
    });
    if (warm) continue;
    ours.sign.push(a);
    peer.sign.push(b);
    ours.verify.push(c);
    peer.verify.push(d);
  }
  if (sink === 0) throw new Error("unreachable");
  const row = (metric: string, unit: string, o: number, p: number, factor: number, note: string): BenchRow => ({
    metric,
    unit,
    ours: o,
    peer: p,
    ratio: o / p,
    target: `>= ${factor}x peer`,
    pass: o / p >= factor,
    note,
  });
  return [
    row(
      "sign.states_per_s",
      "states/s",
      median(ours.sign),
      median(peer.sign),
      4,
      `EIP-712 hash (precomputed type hashes) + ${nativeBackend().name} vs viem signTypedData; 2-asset states; median of ${rounds}`,
    ),
    row(
      "verify.sigs_per_s",
      "sigs/s",
      median(ours.verify),
      median(peer.verify),
      20,
      `strict parse + hash + native recover (known key compared by bytes) vs viem recoverTypedDataAddress; median of ${rounds}`,
    ),
  ];
};

runIfMain(import.meta.url, cryptoBench);
