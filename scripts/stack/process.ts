/** Child processes that the stack starts and must stop again on Ctrl-C, each in its own process group. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { once } from "node:events";

export interface Managed {
  name: string;
  child: ChildProcess;
  /** resolves with the exit code when the process has ended */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Start a command in a new process group so stopping it also stops its own children. */
export function startManaged(name: string, command: string, args: string[], options: SpawnOptions = {}): Managed {
  const child = spawn(command, args, { ...options, detached: true });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  let stopping: Promise<void> | null = null;
  return {
    name,
    child,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        signalGroup(child, "SIGTERM");
        const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Poll `check` until it returns true or the time is up; fails with `what` in the message. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  failed?: Promise<unknown>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gaveUp = false;
  failed?.then(() => (gaveUp = true));
  while (Date.now() < deadline) {
    if (gaveUp) throw new Error(`${what}: the process exited before it was ready`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not ready after ${Math.round(timeoutMs / 1000)} s`);
}
