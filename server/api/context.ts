/** The per-request context every procedure receives. */
export type Role = "TRADER" | "OPERATOR" | "ADMIN" | "BROKER";

export interface Session {
  userId: string;
  address: `0x${string}`;
  roles: readonly Role[];
}

export interface Context {
  /** null until the caller signs in (sign-in with Ethereum lands with the service issue) */
  session: Session | null;
  headers: Headers;
  /** best-effort client IP, for rate limits */
  ip: string;
}

export async function createContext(opts: { req: Request }): Promise<Context> {
  const headers = opts.req.headers;
  const ip = headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || "local";
  return { session: null, headers, ip };
}
