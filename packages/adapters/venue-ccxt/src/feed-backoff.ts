/** Reconnect and retry delays towards public venues: 250 ms doubling to 30 s (venues rate-limit reconnects). */
export const FEED_BACKOFF = { initialMs: 250, maxMs: 30_000 } as const;
