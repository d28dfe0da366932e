/** Error codes of the channel core (core/channel). */
export const CHANNEL_ERROR_CODES = ["CHANNEL_NOT_FOUND"] as const;
