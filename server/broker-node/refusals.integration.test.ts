/**
 * Bad input on every RPC, against a running node process over HTTP: malformed, oversized,
 * unsigned, foreign-signed, from a stranger, to another broker, on another chain, stale,
 * out of order and replayed — each refused with its core/b2b name and status, and nothing changes
 * (the log, the peer's lastSeq and the engine stay where they were). The test is peer C.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson, parseCanonicalJson, type CanonicalValue, type RpcBodies } from "../../core/b2b";
import type { RpcKind } from "../../core/clearing";
import {
  A,
  B,
  C,
  OUTSIDER,
  post,
  seqs,
  sleep,
  spawnNode,
  status,
  removeDir,
  tempDir,
  wireOf,
  type NodeProcess,
} from "./nodes.test-util";

const PORT_B = 8910;
const WETH = { chainId: 31337n, token: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" as const };
const USDC = { chainId: 31337n, token: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };

const VALID: { [K in RpcKind]: RpcBodies[K] } = {
  // a market B does not list: answered with an empty book, no subscription
  0: { type: "request", market: "NONE-X", depth: 5 },
  1: { market: "WETH-USDC", bookSeq: 1n, side: "buy", price: 3_000_000_000n, baseAmount: 1n },
  2: { market: "WETH-USDC", tradeId: "t-1", price: 3_000_000_000n, baseAmount: 1n, takerSide: "buy", executedAtMs: 1n },
  // rests: nothing on B's book to match
  3: {
    orderId: "c-1",
    market: "WETH-USDC",
    base: WETH,
    quote: USDC,
    side: "buy",
    baseAmount: 10n ** 16n,
    quoteLimit: 20_000_000n,
    tif: "GTC",
  },
  4: { orderId: "c-1", action: "cancel" },
  5: { orderId: "x-1", update: "accepted", remainingBase: 1n },
};

/** The wire with its envelope fields changed after signing (so the signature no longer covers them). */
function tampered(wire: string, edit: (e: Record<string, unknown>) => void): string {
  const e = parseCanonicalJson(wire) as Record<string, unknown>;
  edit(e);
  return canonicalJson(e as CanonicalValue);
}

describe("a node refuses bad envelopes and changes nothing", () => {
  let dir: string;
  let b: NodeProcess;

  beforeAll(async () => {
    dir = await tempDir();
    b = await spawnNode({
      id: "b",
      account: B.index,
      port: PORT_B,
      dataDir: `${dir}/b`,
      // A and C are not listening: B's notices to them wait in its outbox
      peers: [
        { address: A.address, port: 8948 },
        { address: C.address, port: 8949 },
      ],
    });
  });

  afterAll(async () => {
    await b?.stop();
    await removeDir(dir);
  });

  const snapshot = async () => {
    const s = await status(b.url);
    return { logLength: s.logLength, head: s.logHead, engineSeq: s.engineSeq, seqIn: seqs(s, C.address).lastSeqIn };
  };
  const quiet = async () => {
    let last = await snapshot();
    for (;;) {
      await sleep(300);
      const now = await snapshot();
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      last = now;
    }
  };

  for (const k of [0, 1, 2, 3, 4, 5] as RpcKind[]) {
    it(`kind ${k}: every bad form is refused, the good one is accepted once`, async () => {
      const before = await quiet();
      const seq = BigInt(before.seqIn) + 1n;
      const good = wireOf(C, B.address, seq, k, VALID[k]);
      const bad: [string, string, number, string][] = [
        ["malformed (not canonical)", good.replace('{"body"', '{ "body"'), 400, "MALFORMED"],
        [
          "malformed (bad body)",
          tampered(good, (e) => ((e.body as Record<string, unknown>).bogus = "1")),
          400,
          "MALFORMED",
        ],
        [
          "oversized",
          k === 0
            ? "x".repeat(70_000)
            : tampered(good, (e) => ((e.body as Record<string, unknown>).pad = "x".repeat(2_000))),
          400,
          "OVERSIZED",
        ],
        ["unsigned", tampered(good, (e) => (e.signature = `0x${"00".repeat(65)}`)), 401, "BAD_SIGNATURE"],
        [
          "foreign-signed",
          tampered(wireOf(OUTSIDER, B.address, seq, k, VALID[k]), (e) => (e.from = C.address)),
          401,
          "BAD_SIGNATURE",
        ],
        ["from a stranger", wireOf(OUTSIDER, B.address, seq, k, VALID[k]), 401, "WRONG_PEER"],
        ["to another broker", wireOf(C, A.address, seq, k, VALID[k]), 401, "WRONG_PEER"],
        ["another chain", wireOf(C, B.address, seq, k, VALID[k], { chainId: 1n }), 401, "WRONG_CHAIN"],
        ["stale", wireOf(C, B.address, seq, k, VALID[k], { sentAtMs: BigInt(Date.now() - 600_000) }), 400, "STALE"],
        ["out of order", wireOf(C, B.address, seq + 1n, k, VALID[k]), 409, "OUT_OF_ORDER"],
      ];
      if (seq > 1n) bad.push(["replayed seq", wireOf(C, B.address, seq - 1n, k, VALID[k]), 409, "REPLAYED"]);
      for (const [what, wire, code, refusal] of bad) {
        const res = await post(b.url, wire);
        expect({ what, status: res.status, refusal: res.body.refusal }).toEqual({ what, status: code, refusal });
        expect(res.body.message).toBeTruthy();
        expect(await snapshot()).toEqual(before);
      }

      expect(await post(b.url, good)).toEqual({ status: 200, body: { accepted: true, seq: String(seq) } });
      const after = await quiet();
      expect(after.seqIn).toBe(String(seq));
      expect(BigInt(after.logLength)).toBeGreaterThan(BigInt(before.logLength));
      // the order and its cancel reach the engine, once each
      expect(BigInt(after.engineSeq) - BigInt(before.engineSeq)).toBe(k === 3 || k === 4 ? 1n : 0n);
      // the very same envelope again: a replay
      const again = await post(b.url, good);
      expect({ status: again.status, refusal: again.body.refusal }).toEqual({ status: 409, refusal: "REPLAYED" });
      expect(await snapshot()).toEqual(after);
    });
  }
});
