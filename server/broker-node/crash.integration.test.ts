/**
 * kill -9 of node B while A streams remote orders to it, then a restart on the same folder: B's
 * log and lastSeq continue where the durable state stopped, A's outbox delivers the rest, every
 * order reaches B's engine exactly once, and a replay of an envelope accepted before the crash is
 * refused after it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAddress } from "viem";
import { compareMeters, decodeEnvelope, verifyLog } from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import { openDatabase } from "../db";
import { recoverExchange } from "../engine/runtime";
import {
  A,
  B,
  C,
  ops,
  post,
  readNode,
  seqs,
  sleep,
  spawnNode,
  status,
  removeDir,
  tempDir,
  waitFor,
  wireOf,
  type NodeProcess,
} from "./nodes.test-util";

const PORT_A = 8920;
const PORT_B = 8921;
const ORDERS = 80;
const WETH = { chainId: "31337", token: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" };
const USDC = { chainId: "31337", token: "0x5fbdb2315678afecb367f032d93f642f64180aa3" };

describe("a broker node killed mid-stream", () => {
  let dir: string;
  let a: NodeProcess;
  let b: NodeProcess;
  const startB = () =>
    spawnNode({
      id: "b",
      account: B.index,
      port: PORT_B,
      dataDir: `${dir}/b`,
      peers: [
        { address: A.address, port: PORT_A },
        { address: C.address, port: 8949 },
      ],
    });

  beforeAll(async () => {
    dir = await tempDir();
    [b, a] = await Promise.all([
      startB(),
      spawnNode({
        id: "a",
        account: A.index,
        port: PORT_A,
        dataDir: `${dir}/a`,
        peers: [{ address: B.address, port: PORT_B }],
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await removeDir(dir);
  });

  it("continues its log and lastSeq after a restart, refuses a replay, applies nothing twice", async () => {
    const first = wireOf(C, B.address, 1n, RpcKind.notifyOrderUpdate, {
      orderId: "x-1",
      update: "accepted",
      remainingBase: 1n,
    });
    expect((await post(b.url, first)).status).toBe(200);

    // A streams resting buys to B (0.01 WETH at 2000 USDC each) while B is killed
    const sending = (async () => {
      for (let i = 1; i <= ORDERS; i++) {
        const r = await ops(a.url, B.address, RpcKind.createRemoteOrder, {
          orderId: `a-${i}`,
          market: "WETH-USDC",
          base: WETH,
          quote: USDC,
          side: "buy",
          baseAmount: "10000000000000000",
          quoteLimit: "20000000",
          tif: "GTC",
        });
        expect(r.ok).toBe(true);
        await sleep(5);
      }
    })();
    let atKill = await status(b.url);
    while (Number(seqs(atKill, A.address).lastSeqIn) < 10) atKill = await status(b.url);
    await b.kill9();
    const acceptedBeforeKill = Number(seqs(atKill, A.address).lastSeqIn);
    expect(acceptedBeforeKill).toBeLessThan(ORDERS);

    b = await startB();
    const restarted = await status(b.url);
    // nothing acknowledged was lost: the log and the seqs are at least where they were
    expect(BigInt(restarted.logLength)).toBeGreaterThanOrEqual(BigInt(atKill.logLength));
    expect(Number(seqs(restarted, A.address).lastSeqIn)).toBeGreaterThanOrEqual(acceptedBeforeKill);
    expect(seqs(restarted, C.address).lastSeqIn).toBe("1");
    // the envelope accepted before the crash, again: refused
    const replay = await post(b.url, first);
    expect({ status: replay.status, refusal: replay.body.refusal }).toEqual({ status: 409, refusal: "REPLAYED" });
    const next = wireOf(C, B.address, 2n, RpcKind.notifyOrderUpdate, {
      orderId: "x-1",
      update: "cancelled",
      remainingBase: 0n,
    });
    expect((await post(b.url, next)).status).toBe(200);

    await sending;
    await waitFor("A's outbox delivered everything and B's notices arrived", async () => {
      const [sa, sb] = await Promise.all([status(a.url), status(b.url)]);
      return (
        seqs(sb, A.address).lastSeqIn === String(ORDERS) &&
        seqs(sa, B.address).lastSeqOut === String(ORDERS) &&
        seqs(sa, B.address).lastSeqIn === seqs(sb, A.address).lastSeqOut
      );
    });
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    const na = await readNode(`${dir}/a`, A.address);
    const nb = await readNode(`${dir}/b`, B.address);
    for (const n of [na, nb]) {
      const v = verifyLog(n.log);
      expect(v.ok, v.ok ? "" : v.reason).toBe(true);
    }
    // each order received once (verifyLog refuses a repeated or missing seq) and answered once
    const received = nb.rows.filter((r) => r.direction === "received" && r.peer === A.address);
    expect(received.map((r) => r.seq)).toEqual(Array.from({ length: ORDERS }, (_, i) => BigInt(i + 1)));
    const accepted = nb.rows
      .filter((r) => r.direction === "sent" && r.kind === RpcKind.notifyOrderUpdate && r.peer === A.address)
      .map((r) => {
        const d = decodeEnvelope(r.envelope);
        return d.ok ? (d.signed.envelope.body as { orderId: string; update: string }) : null;
      });
    expect(accepted.map((n) => `${n?.orderId}:${n?.update}`)).toEqual(
      Array.from({ length: ORDERS }, (_, i) => `a-${i + 1}:accepted`),
    );
    expect(nb.orders.filter((o) => o.role === "host" && o.status === "open")).toHaveLength(ORDERS);
    expect(na.orders.filter((o) => o.role === "initiator" && o.status === "open")).toHaveLength(ORDERS);
    expect(nb.keys.filter((k) => k.account === getAddress(A.address))).toHaveLength(ORDERS);
    // B's engine holds each order once
    const handle = openDatabase({ kind: "pglite", dataDir: `${dir}/b` });
    try {
      const { exchange } = await recoverExchange(handle.db);
      expect(exchange.openOrders(getAddress(A.address))).toHaveLength(ORDERS);
    } finally {
      await handle.close();
    }
    expect(compareMeters(na.meters.get(B.address)!, nb.meters.get(A.address)!, { calls: 0n, feeAmount: 0n })).toEqual({
      verdict: "agree",
    });
  });
});
