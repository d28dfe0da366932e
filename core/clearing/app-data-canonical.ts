/**
 * The canonical order of the B2B app data's arrays. The struct hash depends on array order, so
 * both brokers sort before hashing: addresses and market ids compare as lower-case hex, chain ids
 * and enums as numbers; each array by the key that validation keeps unique.
 */
import type { B2BAppData } from "./app-data-types";
import { compareAssets } from "./types";

type Key = string | bigint | number;

function compareKeys(x: readonly Key[], y: readonly Key[]): number {
  for (let i = 0; i < x.length; i++) {
    const a = typeof x[i] === "string" ? (x[i] as string).toLowerCase() : x[i]!;
    const b = typeof y[i] === "string" ? (y[i] as string).toLowerCase() : y[i]!;
    if (a < b) return -1;
    if (a > b) return 1;
  }
  return 0;
}

const sortBy = <T>(entries: readonly T[], key: (entry: T) => readonly Key[]): T[] =>
  [...entries].sort((x, y) => compareKeys(key(x), key(y)));

/** A copy of the app data with every array in canonical order (the input is not changed). */
export function canonicalB2BAppData(data: B2BAppData): B2BAppData {
  return {
    thresholds: { ...data.thresholds },
    bu: sortBy(data.bu, (h) => [h.host, h.holder, h.chainId, h.token]),
    oos: sortBy(data.oos, (o) => [o.host, o.holder, o.market, o.side]),
    cl: sortBy(data.cl, (c) => [c.broker, c.chainId, c.token]),
    liabilities: [...data.liabilities].sort(compareAssets),
    marks: [...data.marks].sort(compareAssets),
    rpc: sortBy(data.rpc, (r) => [r.payer, r.kind]),
  };
}
