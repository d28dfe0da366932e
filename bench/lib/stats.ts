/** Percentiles and the machine description the absolute benches report. */
import { readFileSync } from "node:fs";
import os from "node:os";

/** The q-quantile (0..1) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "2 cores, AMD EPYC (load 1.6)": what an absolute figure was measured on. */
export function machine(): string {
  let model = os.cpus()[0]?.model ?? "unknown CPU";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8")
      .split("\n")
      .find((l) => l.startsWith("model name"));
    if (line) model = line.split(":")[1]!.trim();
  } catch {
    // not Linux: os.cpus() it is
  }
  return `${os.availableParallelism()} cores, ${model}, Node ${process.versions.node}, load avg ${os.loadavg()[0]!.toFixed(2)} at start`;
}
