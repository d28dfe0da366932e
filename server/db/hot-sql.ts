/**
 * The order path's statements — the session lookup, the idempotency-key lookup and the journal
 * write — start with this comment. The app server's PGlite thread (server/db/pglite-worker.ts)
 * runs them before other waiting statements, so an order's answer does not queue behind
 * issuance rounds, the chain watcher's polls or history reads. Elsewhere it is just a comment.
 */
export const HOT_SQL = "/* order path */ ";
