/** What the node's parts share, built once by the composition root (node.ts) and handed to each. */
import type { Address } from "viem";
import type { Db } from "../db";
import type { EngineRuntime } from "../engine/runtime";
import type { BrokerNodeConfig } from "./config";
import type { Ledger, OrderRow } from "./ledger";
import type { SerialLock } from "./lock";

export interface NodeContext {
  config: BrokerNodeConfig;
  db: Db;
  engine: EngineRuntime;
  ledger: Ledger;
  lock: SerialLock;
  /** the peers' orders resting on this node's book, by engine order id */
  hosted: Map<number, OrderRow>;
  nowMs(): bigint;
  /** new envelopes to `peer` are logged: deliver them */
  wake(peer: Address): void;
  /** the node cannot go on (its memory may be ahead of its database): stop the process */
  fatal(error: unknown): never;
}
