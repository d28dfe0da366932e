/**
 * Shape checks of B2B app data before it is hashed or trusted: bounded array lengths, integers
 * within their Solidity widths, well-formed addresses and bytes32, known enum values, ordered
 * thresholds, and at most one entry per key in each array (so the meaning of a state is unambiguous).
 */
import type { ErrorDetails } from "../errors";
import { MAX_APP_DATA_ENTRIES, type B2BAppData } from "./app-data-types";
import { assertUint, clearingInputError } from "./errors";
import { RPC_KIND_COUNT } from "./rpc-schedule";
import { assertThresholds } from "./zones";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

function assertAddress(field: string, value: string): void {
  if (typeof value !== "string" || !ADDRESS.test(value))
    throw clearingInputError("CLEARING_BAD_HEX", `${field} is not a 20-byte 0x address`, {
      field,
      value: String(value),
    });
}

function assertBytes32(field: string, value: string): void {
  if (typeof value !== "string" || !BYTES32.test(value))
    throw clearingInputError("CLEARING_BAD_HEX", `${field} is not 32 bytes of 0x hex`, { field, value: String(value) });
}

function assertSmallUint(field: string, value: number, bits: number, below = 2 ** bits): void {
  if (!Number.isInteger(value) || value < 0 || value >= below)
    throw clearingInputError("CLEARING_OUT_OF_RANGE", `${field} is out of range`, { field, value, bits, below });
}

function assertBigUint(field: string, value: bigint, bits: number): void {
  if (typeof value !== "bigint")
    throw clearingInputError("CLEARING_OUT_OF_RANGE", `${field} is not a bigint`, { field, value: String(value) });
  assertUint(field, value, bits);
}

function assertCount(field: string, entries: readonly unknown[]): void {
  if (!Array.isArray(entries) || entries.length > MAX_APP_DATA_ENTRIES)
    throw clearingInputError("CLEARING_TOO_MANY_ENTRIES", `${field} has more than ${MAX_APP_DATA_ENTRIES} entries`, {
      field,
      count: Array.isArray(entries) ? entries.length : null,
      max: MAX_APP_DATA_ENTRIES,
    });
}

function assertUnique<T>(field: string, entries: readonly T[], key: (entry: T) => string): void {
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const k = key(entry);
    if (seen.has(k)) {
      const details: ErrorDetails = { field, index, key: k };
      throw clearingInputError("CLEARING_DUPLICATE_ENTRY", `${field} has two entries for ${k}`, details);
    }
    seen.add(k);
  });
}

const lower = (s: string) => s.toLowerCase();

/** Throws an INVALID_INPUT ClearlineError (details.reason says which check) unless the app data is well formed. */
export function validateB2BAppData(data: B2BAppData): void {
  assertThresholds(data.thresholds);

  assertCount("bu", data.bu);
  data.bu.forEach((h, i) => {
    assertAddress(`bu[${i}].host`, h.host);
    assertAddress(`bu[${i}].holder`, h.holder);
    assertBigUint(`bu[${i}].chainId`, h.chainId, 64);
    assertAddress(`bu[${i}].token`, h.token);
    assertBigUint(`bu[${i}].available`, h.available, 256);
    assertBigUint(`bu[${i}].locked`, h.locked, 256);
  });
  assertUnique("bu", data.bu, (h) => `${lower(h.host)}/${lower(h.holder)}/${h.chainId}:${lower(h.token)}`);

  assertCount("oos", data.oos);
  data.oos.forEach((o, i) => {
    assertAddress(`oos[${i}].host`, o.host);
    assertAddress(`oos[${i}].holder`, o.holder);
    assertBytes32(`oos[${i}].market`, o.market);
    assertSmallUint(`oos[${i}].side`, o.side, 8, 2);
    assertBigUint(`oos[${i}].avgBaseAmount`, o.avgBaseAmount, 256);
    assertBigUint(`oos[${i}].minPrice`, o.minPrice, 256);
    assertBigUint(`oos[${i}].maxPrice`, o.maxPrice, 256);
    assertBigUint(`oos[${i}].avgQuoteAmount`, o.avgQuoteAmount, 256);
    if (o.minPrice > o.maxPrice)
      throw clearingInputError("CLEARING_OUT_OF_RANGE", `oos[${i}] has minPrice above maxPrice`, {
        index: i,
        minPrice: o.minPrice,
        maxPrice: o.maxPrice,
      });
  });
  assertUnique("oos", data.oos, (o) => `${lower(o.host)}/${lower(o.holder)}/${lower(o.market)}/${o.side}`);

  assertCount("cl", data.cl);
  data.cl.forEach((c, i) => {
    assertAddress(`cl[${i}].broker`, c.broker);
    assertBigUint(`cl[${i}].chainId`, c.chainId, 64);
    assertAddress(`cl[${i}].token`, c.token);
    assertBigUint(`cl[${i}].available`, c.available, 256);
    assertBigUint(`cl[${i}].locked`, c.locked, 256);
  });
  assertUnique("cl", data.cl, (c) => `${lower(c.broker)}/${c.chainId}:${lower(c.token)}`);

  assertCount("liabilities", data.liabilities);
  data.liabilities.forEach((l, i) => {
    assertBigUint(`liabilities[${i}].chainId`, l.chainId, 64);
    assertAddress(`liabilities[${i}].token`, l.token);
    assertAddress(`liabilities[${i}].debtor`, l.debtor);
    assertBigUint(`liabilities[${i}].amount`, l.amount, 256);
  });
  // net liabilities: one line per asset, owed by one broker
  assertUnique("liabilities", data.liabilities, (l) => `${l.chainId}:${lower(l.token)}`);

  assertCount("marks", data.marks);
  data.marks.forEach((m, i) => {
    assertBigUint(`marks[${i}].chainId`, m.chainId, 64);
    assertAddress(`marks[${i}].token`, m.token);
    assertBigUint(`marks[${i}].usdPriceE18`, m.usdPriceE18, 256);
    assertBigUint(`marks[${i}].timestamp`, m.timestamp, 64);
  });
  assertUnique("marks", data.marks, (m) => `${m.chainId}:${lower(m.token)}`);

  assertCount("rpc", data.rpc);
  data.rpc.forEach((r, i) => {
    assertAddress(`rpc[${i}].payer`, r.payer);
    assertSmallUint(`rpc[${i}].kind`, r.kind, 8, RPC_KIND_COUNT);
    assertBigUint(`rpc[${i}].calls`, r.calls, 64);
    assertBigUint(`rpc[${i}].bytesTotal`, r.bytesTotal, 64);
    assertBigUint(`rpc[${i}].dbReads`, r.dbReads, 64);
    assertBigUint(`rpc[${i}].dbWrites`, r.dbWrites, 64);
    assertBigUint(`rpc[${i}].feeAmount`, r.feeAmount, 256);
  });
  assertUnique("rpc", data.rpc, (r) => `${lower(r.payer)}/${r.kind}`);
}
