/** Who is signed in, as every procedure sees it (ctx.session). */
export type Role = "TRADER" | "OPERATOR" | "ADMIN" | "BROKER";

export interface Session {
  sessionId: string;
  userId: string;
  /** EIP-55 checksummed */
  address: `0x${string}`;
  /** read from the database on every request, so a grant or revoke applies at once */
  roles: readonly Role[];
  /** set: the user may sign in and read, but not trade (order procedures use tradingProcedure) */
  suspendedAt: Date | null;
}
