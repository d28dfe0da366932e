/**
 * The per-counterparty caps, against node processes: past its burst a peer is RATE_LIMITED (429)
 * until the bucket refills, and once its unpaid fees reach the cap it is refused UNPAID_FEES_CAP
 * (402). A refused call changes nothing and does not use the seq: the same envelope is accepted
 * once admitted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RpcKind } from "../../core/clearing";
import {
  A,
  B,
  C,
  post,
  seqs,
  sleep,
  spawnNode,
  status,
  tempDir,
  wireOf,
  type NodeProcess,
  removeDir,
} from "./nodes.test-util";

const notice = (i: number) => ({ orderId: `x-${i}`, update: "accepted" as const, remainingBase: 1n });
const peers = [
  { address: A.address, port: 8946 },
  { address: C.address, port: 8949 },
];

describe("per-counterparty caps", () => {
  let b: NodeProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await b?.stop();
    await removeDir(dir);
  });

  it("refuses past the burst, then admits again as the bucket refills", async () => {
    dir = await tempDir();
    b = await spawnNode({
      id: "b",
      account: B.index,
      port: 8912,
      dataDir: `${dir}/b`,
      peers,
      env: { BROKER_RATE_BURST: "2", BROKER_RATE_CALLS_PER_SECOND: "1" },
    });
    const wires = [1, 2, 3].map((i) => wireOf(C, B.address, BigInt(i), RpcKind.notifyOrderUpdate, notice(i)));
    // the bucket refills one call a second: the three go out well within it
    expect((await post(b.url, wires[0]!)).status).toBe(200);
    expect((await post(b.url, wires[1]!)).status).toBe(200);
    const before = await status(b.url);
    const refused = await post(b.url, wires[2]!);
    expect({ status: refused.status, refusal: refused.body.refusal }).toEqual({ status: 429, refusal: "RATE_LIMITED" });
    expect(await status(b.url)).toEqual(before);
    await sleep(1_100);
    expect((await post(b.url, wires[2]!)).status).toBe(200);
    expect(seqs(await status(b.url), C.address).lastSeqIn).toBe("3");
  });

  it("refuses a peer whose unpaid fees reached the cap", async () => {
    dir = await tempDir();
    // one notice costs 100 per call + ~60 bytes + 100 per write: the third reaches 600
    b = await spawnNode({
      id: "b",
      account: B.index,
      port: 8913,
      dataDir: `${dir}/b`,
      peers,
      env: { BROKER_MAX_UNPAID_FEES: "600" },
    });
    let seq = 1n;
    let res = await post(b.url, wireOf(C, B.address, seq, RpcKind.notifyOrderUpdate, notice(1)));
    while (res.status === 200) {
      seq += 1n;
      res = await post(b.url, wireOf(C, B.address, seq, RpcKind.notifyOrderUpdate, notice(Number(seq))));
    }
    expect({ status: res.status, refusal: res.body.refusal }).toEqual({ status: 402, refusal: "UNPAID_FEES_CAP" });
    expect(seq).toBe(4n);
    expect(seqs(await status(b.url), C.address).lastSeqIn).toBe("3");
  });
});
