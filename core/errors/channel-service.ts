/** Error codes of the channel service's openings (server/channels/opening-release.ts; SECURITY.md attack 16). */
export const CHANNEL_SERVICE_ERROR_CODES = [
  /** only an OPENING channel nobody funded can be released; this one is not (any more) */
  "CHANNEL_NOT_OPENING",
  /** the custody contract already shows the channel opened: funded, the watcher will make it ACTIVE */
  "OPENING_FUNDED_ON_CHAIN",
] as const;
