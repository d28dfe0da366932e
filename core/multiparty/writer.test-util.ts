// Writes ops by hand for the rule and signature tests: seq and prev per author filled in, each
// op signed by its author (test support, not shipped code).
import type { Address, Hex } from "viem";
import { hashOp } from "./encode";
import { OpLog } from "./log";
import { signHead, signOp } from "./sign";
import {
  ZERO_HASH,
  type ChannelConfig,
  type KnownDeposits,
  type Message,
  type Op,
  type OpBody,
  type SignedHead,
} from "./types";
import { fold } from "./fold";
import type { MultipartyState } from "./state";

export interface Written {
  id: Hex;
  op: Op;
  signature: Hex;
  message: Message;
}

export class Writer {
  private readonly last = new Map<Address, { seq: number; id: Hex }>();
  readonly log: OpLog;

  constructor(
    readonly config: ChannelConfig,
    private readonly keyOf: ReadonlyMap<Address, Hex>,
  ) {
    this.log = new OpLog(config);
  }

  /** The next op of `author` (deps: the given op ids), signed and added to this writer's log. */
  write(
    author: Address,
    body: OpBody,
    deps: readonly Written[] = [],
    options: { seq?: number; prev?: Hex } = {},
  ): Written {
    const last = this.last.get(author);
    const seq = options.seq ?? (last ? last.seq + 1 : 0);
    const prev = options.prev ?? (seq === 0 ? ZERO_HASH : last!.id);
    const op = { channelId: this.config.channelId, author, seq, prev, deps: deps.map((d) => d.id), ...body } as Op;
    const signature = signOp(this.config.domain, op, this.keyOf.get(author)!);
    const id = hashOp(op);
    this.log.addSignedOp(op, signature);
    if (!last || seq > last.seq) this.last.set(author, { seq, id });
    return { id, op, signature, message: { type: "op", op, signature } };
  }

  /** A signed head over `written`. */
  head(written: Written): SignedHead {
    const { author, seq } = written.op;
    return signHead(
      this.config.domain,
      { channelId: this.config.channelId, author, seq, head: written.id },
      this.keyOf.get(author)!,
    );
  }

  fold(deposits: KnownDeposits): MultipartyState {
    return fold(this.log, deposits);
  }
}
