/** Run the project's own tools on the project's own Node 24 (node_modules/.bin first on PATH). */
import path from "node:path";

const binDir = path.resolve("node_modules/.bin");

/** Absolute path of a tool installed in node_modules/.bin. */
export function bin(name: string): string {
  return path.join(binDir, name);
}

/** The environment for children: the project's Node and tools first on PATH, plus overrides. */
export function childEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const PATH = [binDir, path.dirname(process.execPath), process.env.PATH].filter(Boolean).join(path.delimiter);
  return { ...process.env, PATH, NEXT_TELEMETRY_DISABLED: "1", ...overrides };
}
