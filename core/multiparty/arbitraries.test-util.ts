// fast-check generators of well-formed ops of every kind (test support, not shipped code).
import fc from "fast-check";
import type { Address, Hex } from "viem";
import { arbAddress, arbHash } from "../channel/arbitraries.test-util";
import type { ChannelConfig, Op, OpBody } from "./types";

const lower = <T extends string>(a: fc.Arbitrary<T>) => a.map((s) => s.toLowerCase() as T);
const address = lower(arbAddress) as fc.Arbitrary<Address>;
const hash = lower(arbHash) as fc.Arbitrary<Hex>;
const amount = fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 24n }), fc.bigInt({ min: 1n, max: (1n << 256n) - 1n }));

export const arbBody: fc.Arbitrary<OpBody> = fc.oneof(
  fc.record({ kind: fc.constant("deposit" as const), token: address, amount, depositId: hash }),
  fc.record({ kind: fc.constant("withdraw" as const), token: address, amount }),
  fc.record({ kind: fc.constant("transfer" as const), to: address, token: address, amount }),
  fc.record({ kind: fc.constant("lock" as const), token: address, amount, matcher: address }),
  fc.record({ kind: fc.constant("unlock" as const), lock: hash, amount }),
  fc.record({ kind: fc.constant("cancel" as const), lock: hash }),
  fc.record({
    kind: fc.constant("fill" as const),
    makerLock: hash,
    takerLock: hash,
    makerAmount: amount,
    takerAmount: amount,
  }),
  fc.record({ kind: fc.constant("mark" as const), market: hash, priceE8: amount }),
  fc.record({ kind: fc.constant("liquidation" as const), account: address, market: hash, mark: hash }),
);

/** A well-formed op by one of `config`'s participants. */
export const arbOp = (config: ChannelConfig): fc.Arbitrary<Op> =>
  fc
    .record({
      author: fc.constantFrom(...config.participants),
      seq: fc.nat(config.maxOpsPerAuthor - 1),
      prev: hash,
      deps: fc.array(hash, { maxLength: config.participants.length }),
      body: arbBody,
    })
    .map(({ body, ...header }) => ({ channelId: config.channelId, ...header, ...body }) as Op);
