import type { Feed, FeedSubscription } from '@qubit/engine';

export interface PaperFeedChoice {
  readonly feed: Feed;
  /** Why this feed: said in the log and kept in the service's status. */
  readonly reason: string;
}

export interface ChoosePaperFeedOptions {
  /** The venue's public feed; absent in offline mode. */
  readonly live?: () => Feed;
  readonly synthetic: () => Feed;
  /** What to subscribe while probing the live feed (one instrument is enough). */
  readonly probe: FeedSubscription;
  /** How long the live feed has to deliver its first datum (default 5000 ms). */
  readonly waitMs?: number;
  /** --offline / QUBIT_OFFLINE=1: no network attempt at all. */
  readonly offline?: boolean;
  readonly log: (line: string) => void;
  /** Injected for tests; setTimeout by default. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Paper mode's data: live public data when the venue delivers within a few seconds, else the synthetic
 * feed. The choice and its reason are always logged — a paper session never silently runs on made-up
 * prices.
 */
export async function choosePaperFeed(o: ChoosePaperFeedOptions): Promise<PaperFeedChoice> {
  const useSynthetic = async (reason: string): Promise<PaperFeedChoice> => {
    const feed = o.synthetic();
    o.log(`marketdata: ${reason}; using the SYNTHETIC feed (${feed.name}) — prices are generated, not real`);
    return { feed, reason };
  };
  if (o.offline) return useSynthetic('offline mode: no network attempt');
  if (!o.live) return useSynthetic('no live feed configured');
  const waitMs = o.waitMs ?? 5000;
  const sleep = o.sleep ?? realSleep;
  const live = o.live();
  let delivered = false;
  live.onData(() => {
    delivered = true;
  });
  try {
    live.subscribe(o.probe);
    await live.start();
  } catch (err) {
    await live.stop().catch(() => undefined);
    return useSynthetic(`live feed ${live.name} failed to start: ${(err as Error).message}`);
  }
  const step = Math.min(100, waitMs);
  for (let waited = 0; waited < waitMs && !delivered; waited += step) await sleep(step);
  if (!delivered) {
    const detail = live.status().detail;
    await live.stop().catch(() => undefined);
    return useSynthetic(
      `live feed ${live.name} delivered nothing within ${waitMs} ms${detail ? ` (${detail})` : ''}`,
    );
  }
  const reason = `live public data from ${live.name}`;
  o.log(`marketdata: ${reason}`);
  return { feed: live, reason };
}
