/**
 * GET /b2b/stream against a node process: only a configured peer with its own fresh signature
 * may follow; it receives every envelope the node sent it, in seq order — the snapshot answer,
 * then the notices and increments its order caused — live, and resumes after a given seq.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEnvelope } from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import {
  A,
  B,
  C,
  OUTSIDER,
  post,
  removeDir,
  spawnNode,
  status,
  tempDir,
  waitFor,
  wireOf,
  type NodeProcess,
} from "./nodes.test-util";
import { streamQuery } from "./stream";

const PORT_B = 8914;
const WETH = { chainId: 31337n, token: "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512" as const };
const USDC = { chainId: 31337n, token: "0x5fbdb2315678afecb367f032d93f642f64180aa3" as const };

/** Reads server-sent events until `count` have arrived; returns [id, data] pairs. */
async function events(url: string, count: number): Promise<[string, string][]> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const out: [string, string][] = [];
  while (out.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const field = (name: string) =>
        block
          .split("\n")
          .find((l) => l.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      out.push([field("id")!, field("data")!]);
    }
  }
  controller.abort();
  return out.slice(0, count);
}

describe("GET /b2b/stream", () => {
  let dir: string;
  let b: NodeProcess;

  beforeAll(async () => {
    dir = await tempDir();
    b = await spawnNode({
      id: "b",
      account: B.index,
      port: PORT_B,
      dataDir: `${dir}/b`,
      peers: [
        { address: A.address, port: 8948 },
        { address: C.address, port: 8949 },
      ],
      env: { BROKER_BOT: "1", BROKER_BOT_INTERVAL_MS: "600000" },
    });
    await waitFor("B's bot levels", async () => Number((await status(b.url)).engineSeq) >= 13);
  });

  afterAll(async () => {
    await b?.stop();
    await removeDir(dir);
  });

  const query = (peer: typeof C, signer: typeof C, after: bigint, atMs = BigInt(Date.now())) =>
    streamQuery(31337n, B.address, peer.address, signer.privateKey, after, atMs);

  it("refuses strangers, foreign signatures and stale requests", async () => {
    const get = async (q: string) => {
      const res = await fetch(`${b.url}/b2b/stream?${q}`);
      return { status: res.status, refusal: ((await res.json()) as { refusal: string }).refusal };
    };
    expect(await get("")).toEqual({ status: 400, refusal: "MALFORMED" });
    expect(await get(query(OUTSIDER, OUTSIDER, 0n))).toEqual({ status: 401, refusal: "WRONG_PEER" });
    expect(await get(query(C, OUTSIDER, 0n))).toEqual({ status: 401, refusal: "BAD_SIGNATURE" });
    expect(await get(query(C, C, 0n, BigInt(Date.now() - 600_000)))).toEqual({ status: 400, refusal: "STALE" });
  });

  it("delivers the snapshot, then what the peer's order caused, in seq order, and resumes", async () => {
    const following = events(`${b.url}/b2b/stream?${query(C, C, 0n)}`, 4);
    const snapshot = wireOf(C, B.address, 1n, RpcKind.getOrderbookSnapshot, {
      type: "request",
      market: "WETH-USDC",
      depth: 3,
    });
    expect((await post(b.url, snapshot)).status).toBe(200);
    const order = wireOf(C, B.address, 2n, RpcKind.createRemoteOrder, {
      orderId: "c-1",
      market: "WETH-USDC",
      base: WETH,
      quote: USDC,
      side: "buy",
      baseAmount: 10n ** 16n,
      quoteLimit: 31_000_000n,
      tif: "IOC",
    });
    expect((await post(b.url, order)).status).toBe(200);
    const got = await following;
    const decoded = got.map(([id, data]) => {
      const d = decodeEnvelope(data);
      if (!d.ok) throw new Error(d.reason);
      expect(d.signed.envelope.seq).toBe(BigInt(id));
      expect([d.signed.envelope.from, d.signed.envelope.to]).toEqual([B.address, C.address]);
      return d.signed.envelope;
    });
    expect(decoded.map((e) => e.seq)).toEqual([1n, 2n, 3n, 4n]);
    expect(decoded[0]!.body).toMatchObject({ type: "response", requestSeq: 1n, market: "WETH-USDC" });
    expect(decoded[0]!.body).toHaveProperty("asks", [
      { price: 3_003_000_000n, baseAmount: 10n ** 16n },
      { price: 3_006_000_000n, baseAmount: 10n ** 16n },
      { price: 3_009_000_000n, baseAmount: 10n ** 16n },
    ]);
    expect(decoded.slice(1, 3).map((e) => e.body)).toMatchObject([
      { orderId: "c-1", update: "accepted" },
      { orderId: "c-1", update: "fill", remainingBase: 0n },
    ]);
    expect(decoded[3]!.kind).toBe(RpcKind.pushOrderbookIncrement);

    const resumed = await events(`${b.url}/b2b/stream?${query(C, C, 2n)}`, 1);
    expect(resumed[0]![0]).toBe("3");
  });
});
