/**
 * The crash window between an engine command's journal batch and the copy of its B2B change into
 * the tables: the change rides in the batch (the idempotency answer), so after a "crash" right
 * there the start-up recovery writes it — once, however often it runs — and the log still verifies.
 * Runs on PGlite, or PostgreSQL through TEST_DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { getAddress } from "viem";
import { decodeEnvelope, verifyLog, type LogDirection } from "../../core/b2b";
import { RpcKind } from "../../core/clearing";
import { createMigratedTestDatabase, type TestDatabase } from "../db/testing";
import { startQuietRuntime } from "../engine/testing";
import { loadBrokerNodeConfig } from "./config";
import { recoverChanges } from "./engine-bridge";
import { emptyChange, Ledger } from "./ledger";
import { seedNodeMarkets, creditAccounts } from "./markets";
import { A, B, wireOf } from "./nodes.test-util";
import { CHANGE_KEY_PREFIX, ensurePeers, loadLedgerState } from "./store";
import type { Hex } from "viem";

describe("B2B changes left in the journal by a crash", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createMigratedTestDatabase(inject("testDatabaseUrl"));
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("are written at start, exactly once", async () => {
    const db = t.handle.db;
    const config = loadBrokerNodeConfig({
      BROKER_TEST_ACCOUNT: "7",
      BROKER_PEERS: `${A.address}@http://127.0.0.1:8947`,
    });
    await seedNodeMarkets(db, config);
    await ensurePeers(db, config.peers);
    const engine = await startQuietRuntime(db);
    await creditAccounts(engine, config);
    const ledger = new Ledger(
      config.address,
      config.chainId,
      config.privateKey,
      config.prices,
      await loadLedgerState(db),
    );
    const body = {
      orderId: "a-1",
      market: "WETH-USDC",
      base: { chainId: 31337n, token: config.assets.find((x) => x.symbol === "WETH")!.token },
      quote: { chainId: 31337n, token: config.assets.find((x) => x.symbol === "USDC")!.token },
      side: "buy" as const,
      baseAmount: 10n ** 16n,
      quoteLimit: 20_000_000n,
      tif: "GTC" as const,
    };
    const wire = wireOf(A, B.address, 1n, RpcKind.createRemoteOrder, body);
    const accepted = decodeEnvelope(wire);
    if (!accepted.ok) throw new Error(accepted.reason);
    // the command and its change, journaled together; the process "dies" before the copy
    await engine.submitIdempotent({
      account: getAddress(A.address),
      key: `${CHANGE_KEY_PREFIX}in:1`,
      requestHash: accepted.digest,
      command: {
        type: "place",
        account: getAddress(A.address),
        market: "WETH-USDC",
        side: "buy",
        kind: "limit",
        sizeBase: 10n ** 16n,
        pricePerLot: 200_000n,
        tif: "GTC",
      },
      respond: (entry) => {
        const change = emptyChange();
        ledger.receive(change, A.address, wire, accepted);
        ledger.send(
          change,
          A.address,
          RpcKind.notifyOrderUpdate,
          { orderId: "a-1", update: "accepted", remainingBase: 10n ** 16n },
          1n,
        );
        return { seq: entry.seq, change };
      },
    });
    await engine.stop();
    expect(await db.b2BLogEntry.count()).toBe(0);

    expect(await recoverChanges({ db })).toBe(1);
    expect(await recoverChanges({ db })).toBe(0);
    const state = await loadLedgerState(db);
    expect(state.seqs.get(A.address)).toEqual({ lastSeqIn: 1n, lastSeqOut: 1n });
    expect(state.head.nextIndex).toBe(2n);
    expect(state.counters.get(A.address)?.map((c) => [c.payer, c.kind, c.calls])).toEqual([
      [B.address, RpcKind.notifyOrderUpdate, 1n],
      [A.address, RpcKind.createRemoteOrder, 1n],
    ]);
    const rows = await db.b2BLogEntry.findMany({ orderBy: { index: "asc" } });
    const log = {
      owner: config.address,
      chainId: 31337n,
      entries: rows.map((r) => ({
        index: r.index,
        prevHash: r.prevHash as Hex,
        direction: r.direction as LogDirection,
        envelope: r.envelope,
        signature: r.signature as Hex,
      })),
    };
    expect(verifyLog(log).ok).toBe(true);
    expect(rows[0]!.envelope).toBe(wire);
  });
});
