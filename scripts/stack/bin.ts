/** Run the project's own tools on the project's own Node 24 (node_modules/.bin first on PATH). */
import path from "node:path";

const binDir = path.resolve("node_modules/.bin");

/** Absolute path of a tool installed in node_modules/.bin. */
export function bin(name: string): string {
  return path.join(binDir, name);
}

/**
 * Node options for the app server: a larger young generation. The server allocates a lot of
 * short-lived objects per request; with V8's default semi-space the scavenger ran several times a
 * second for 5–14 ms each under load, which showed up in the order latency's tail.
 */
export function appServerNodeOptions(): string {
  return [process.env.NODE_OPTIONS, "--max-semi-space-size=64"].filter(Boolean).join(" ");
}

/** The environment for children: the project's Node and tools first on PATH, plus overrides. */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const PATH = [binDir, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, PATH, NEXT_TELEMETRY_DISABLED: "1", ...overrides };
}
