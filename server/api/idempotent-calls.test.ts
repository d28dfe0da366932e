/**
 * Issue 20 item 10: channel mutations take an idempotency key. A keyed call runs once per key
 * and body for its user; another body under the same key is IDEMPOTENCY_KEY_REUSED; a refusal
 * is not remembered. The channel procedures declare the key in their inputs.
 */
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ClearlineError } from "../../core/errors";
import type { AuthDeps } from "../auth/deps";
import { RateLimiter, rateLimitsFrom } from "../auth/rate-limit";
import { CallMemory } from "../auth/call-memory";
import type { DatabaseHandle } from "../db";
import type { EngineRuntime } from "../engine/runtime";
import { appRouter } from "./root";
import { contextsOver, engineOnlyServices } from "./testing";
import { authedProcedure, createCallerFactory, createTRPCRouter, idempotent } from "./trpc";

const ALICE = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const BOB = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");

const ctxFor = contextsOver(() =>
  engineOnlyServices({} as DatabaseHandle, () => ({}) as EngineRuntime, {
    limiter: new RateLimiter(),
    calls: new CallMemory(),
    limits: rateLimitsFrom({ signInPerMinute: 10_000, ordersPerSecond: 10_000 }),
    now: () => new Date(),
  } as AuthDeps),
);

describe("idempotency keys on mutations outside the journal", () => {
  it("a keyed call runs once per key and body for its user; another body is IDEMPOTENCY_KEY_REUSED; a refusal runs again", async () => {
    let runs = 0;
    let refuse = false;
    const router = createTRPCRouter({
      send: authedProcedure
        .use(idempotent("test.send"))
        .input(z.object({ idempotencyKey: z.string().optional(), amount: z.bigint() }))
        .mutation(({ input }) => {
          if (refuse) throw new ClearlineError("PRECONDITION_FAILED", "not now");
          runs++;
          return { run: runs, amount: input.amount };
        }),
    });
    const alice = createCallerFactory(router)(ctxFor(ALICE));
    const bob = createCallerFactory(router)(ctxFor(BOB));
    const [a, b] = await Promise.all([
      alice.send({ idempotencyKey: "send-key-1", amount: 5n }),
      alice.send({ idempotencyKey: "send-key-1", amount: 5n }),
    ]);
    expect(a).toEqual({ run: 1, amount: 5n });
    expect(b).toEqual(a);
    expect(await alice.send({ idempotencyKey: "send-key-1", amount: 5n })).toEqual(a);
    expect(runs).toBe(1);
    await expect(alice.send({ idempotencyKey: "send-key-1", amount: 6n })).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      cause: { code: "IDEMPOTENCY_KEY_REUSED" },
    });
    // keys are per user; calls without a key are not deduplicated
    expect(await bob.send({ idempotencyKey: "send-key-1", amount: 5n })).toEqual({ run: 2, amount: 5n });
    await alice.send({ amount: 5n });
    await alice.send({ amount: 5n });
    expect(runs).toBe(4);
    refuse = true;
    await expect(alice.send({ idempotencyKey: "send-key-2", amount: 1n })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    refuse = false;
    expect(await alice.send({ idempotencyKey: "send-key-2", amount: 1n })).toEqual({ run: 5, amount: 1n });
  });

  it("every channel mutation outside prepareOpen declares the key: a malformed one is a 400 naming idempotencyKey", async () => {
    const caller = createCallerFactory(appRouter)(ctxFor(ALICE));
    const bad = { idempotencyKey: "x" };
    const calls: [string, () => Promise<unknown>][] = [
      ["requestWithdraw", () => caller.channel.requestWithdraw({ ...bad, token: ALICE, amount: 1n })],
      ["requestClose", () => caller.channel.requestClose(bad)],
      ["cancelWithdraw", () => caller.channel.cancelWithdraw(bad)],
      ["cancelClose", () => caller.channel.cancelClose(bad)],
      [
        "submitCoSignature",
        () =>
          caller.channel.submitCoSignature({
            ...bad,
            channelId: `0x${"ab".repeat(32)}`,
            version: 1n,
            signature: "0x00",
          }),
      ],
    ];
    for (const [name, call] of calls) {
      const error = (await call().catch((e: unknown) => e)) as {
        code?: string;
        cause?: { issues?: { path: unknown[] }[] };
      };
      expect(error.code, name).toBe("BAD_REQUEST");
      expect(error.cause?.issues?.[0]?.path, name).toEqual(["idempotencyKey"]);
    }
  });
});
