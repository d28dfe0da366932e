/**
 * Two broker nodes as processes over real HTTP: A subscribes to B's WETH-USDC book and creates a
 * remote order on it, which matches a resting order of B's bot; both logs record the order and
 * the fill, verify as signed hash chains, and both sides' meters agree.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareMeters, decodeEnvelope, verifyLog } from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import {
  A,
  B,
  ops,
  readNode,
  seqs,
  spawnNode,
  status,
  tempDir,
  waitFor,
  type NodeProcess,
  removeDir,
} from "./nodes.test-util";

const PORT_A = 8900;
const PORT_B = 8901;
const WETH = { chainId: "31337", token: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" };
const USDC = { chainId: "31337", token: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };

describe("two broker nodes", () => {
  let dir: string;
  let a: NodeProcess;
  let b: NodeProcess;

  beforeAll(async () => {
    dir = await tempDir();
    // B's bot places its levels once (a long interval keeps the book still for the test)
    [b, a] = await Promise.all([
      spawnNode({
        id: "b",
        account: B.index,
        port: PORT_B,
        dataDir: `${dir}/b`,
        peers: [{ address: A.address, port: PORT_A }],
        env: { BROKER_BOT: "1", BROKER_BOT_INTERVAL_MS: "600000" },
      }),
      spawnNode({
        id: "a",
        account: A.index,
        port: PORT_A,
        dataDir: `${dir}/a`,
        peers: [{ address: B.address, port: PORT_B }],
      }),
    ]);
    await waitFor("B's bot levels", async () => Number((await status(b.url)).engineSeq) >= 13);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await removeDir(dir);
  });

  it("A's remote order matches B's resting order; both logs record it, verify, and the meters agree", async () => {
    const snapshot = await ops(a.url, B.address, RpcKind.getOrderbookSnapshot, {
      type: "request",
      market: "WETH-USDC",
      depth: 10,
    });
    expect(snapshot.ok).toBe(true);
    // buy 0.01 WETH for at most 31 USDC: crosses the bot's best ask (3003 USDC, 0.01 WETH)
    const order = await ops(a.url, B.address, RpcKind.createRemoteOrder, {
      orderId: "a-1",
      market: "WETH-USDC",
      base: WETH,
      quote: USDC,
      side: "buy",
      baseAmount: "10000000000000000",
      quoteLimit: "31000000",
      tif: "IOC",
    });
    expect(order).toEqual({ ok: true, seq: "2" });

    // quiet: each side has accepted everything the other sent
    let quietFor = 0;
    await waitFor("both directions delivered", async () => {
      const [sa, sb] = await Promise.all([status(a.url), status(b.url)]);
      const caughtUp =
        seqs(sb, A.address).lastSeqIn === seqs(sa, B.address).lastSeqOut &&
        seqs(sa, B.address).lastSeqIn === seqs(sb, A.address).lastSeqOut &&
        Number(seqs(sb, A.address).lastSeqOut) >= 3;
      quietFor = caughtUp ? quietFor + 1 : 0;
      return quietFor >= 5;
    });
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    const na = await readNode(`${dir}/a`, A.address);
    const nb = await readNode(`${dir}/b`, B.address);
    const la = verifyLog(na.log);
    const lb = verifyLog(nb.log);
    expect(la.ok, la.ok ? "" : la.reason).toBe(true);
    expect(lb.ok, lb.ok ? "" : lb.reason).toBe(true);
    // the same envelopes, each in both logs: sent on one side, received on the other
    const sentBy = (rows: typeof na.rows, d: string) => rows.filter((r) => r.direction === d).map((r) => r.envelope);
    expect(sentBy(na.rows, "sent")).toEqual(sentBy(nb.rows, "received"));
    expect(sentBy(nb.rows, "sent")).toEqual(sentBy(na.rows, "received"));

    const kinds = nb.rows.map((r) => `${r.direction}:${r.kind}`);
    expect(kinds.slice(0, 4)).toEqual(["received:0", "sent:0", "received:3", "sent:5"]);
    const notices = nb.rows
      .filter((r) => r.direction === "sent" && r.kind === RpcKind.notifyOrderUpdate)
      .map((r) => {
        const d = decodeEnvelope(r.envelope);
        return d.ok ? d.signed.envelope.body : null;
      });
    expect(notices).toEqual([
      { orderId: "a-1", update: "accepted", remainingBase: 10n ** 16n },
      expect.objectContaining({
        orderId: "a-1",
        update: "fill",
        baseAmount: 10n ** 16n,
        quoteAmount: 30_030_000n,
        remainingBase: 0n,
      }),
    ]);
    // an increment for the ask level the fill took, and no trade event to A (it was a party)
    expect(nb.rows.some((r) => r.kind === RpcKind.pushOrderbookIncrement)).toBe(true);
    expect(nb.rows.some((r) => r.kind === RpcKind.pushTradeEvent)).toBe(false);

    expect(na.orders).toEqual([expect.objectContaining({ orderId: "a-1", role: "initiator", status: "filled" })]);
    expect(nb.orders).toEqual([expect.objectContaining({ orderId: "a-1", role: "host", status: "filled" })]);

    const ma = na.meters.get(B.address) ?? [];
    const mb = nb.meters.get(A.address) ?? [];
    expect(ma.length).toBeGreaterThan(0);
    expect(compareMeters(ma, mb, { calls: 0n, feeAmount: 0n })).toEqual({ verdict: "agree" });
    expect(ma).toEqual(mb);
    // A paid for its snapshot and its order; B for its notices and increments
    expect(ma.map((c) => `${c.payer}:${c.kind}`)).toEqual(
      expect.arrayContaining([`${A.address}:0`, `${A.address}:3`, `${B.address}:5`, `${B.address}:1`]),
    );
  });
});
