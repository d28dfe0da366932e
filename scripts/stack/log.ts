/** One-line status messages for the stack scripts, prefixed so they stand out from the children's output. */
const useColor = process.stdout.isTTY;
const paint = (code: number, s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

export const log = {
  step: (msg: string) => console.log(`${paint(36, "[clearline]")} ${msg}`),
  ok: (msg: string) => console.log(`${paint(32, "[clearline]")} ${msg}`),
  warn: (msg: string) => console.warn(`${paint(33, "[clearline]")} ${msg}`),
  error: (msg: string) => console.error(`${paint(31, "[clearline]")} ${msg}`),
};
