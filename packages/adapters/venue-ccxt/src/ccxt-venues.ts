import { ModelError } from '@qubit/model';
import ccxt, { type Exchange } from 'ccxt';

/** The ccxt exchanges whose public feeds Qubit supports (ccxt ids). */
export const CCXT_VENUES = ['binance', 'bybit', 'okx', 'bitget', 'gate'] as const;
export type CcxtVenueId = (typeof CCXT_VENUES)[number];

/** Our venue name of a ccxt exchange: its id in upper case (BINANCE, OKX…). */
export function venueName(exchangeId: CcxtVenueId): string {
  return exchangeId.toUpperCase();
}

export function checkVenueId(value: unknown, field = 'exchangeId'): CcxtVenueId {
  if (typeof value !== 'string' || !(CCXT_VENUES as readonly string[]).includes(value)) {
    throw new ModelError(field, `"${String(value)}" is not one of ${CCXT_VENUES.join(', ')}`);
  }
  return value as CcxtVenueId;
}

/**
 * A ccxt pro exchange for public data only: no keys, rate-limited, `newUpdates` so each watch returns only
 * what arrived since the last call. `configure` may point its URLs elsewhere (a test server, a proxy).
 */
export function createCcxtExchange(
  exchangeId: CcxtVenueId,
  configure?: (exchange: Exchange) => void,
): Exchange {
  const id = checkVenueId(exchangeId);
  const Ctor = (ccxt.pro as unknown as Record<string, new (config: object) => Exchange>)[id];
  if (!Ctor) throw new ModelError('exchangeId', `ccxt.pro has no ${id}`);
  const exchange = new Ctor({ enableRateLimit: true, options: { newUpdates: true } });
  configure?.(exchange);
  return exchange;
}

/**
 * Rewrites every REST and WebSocket endpoint of a ccxt exchange to another host, keeping the paths: for a
 * local test server, a recording proxy or a venue's testnet mirror. `http` and `ws` are origins such as
 * `http://127.0.0.1:8080` and `ws://127.0.0.1:8080`.
 */
export async function redirectCcxtUrls(
  exchange: Exchange,
  origins: { readonly http: string; readonly ws: string },
): Promise<void> {
  const rewrite = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (/^https?:\/\//.test(node)) return node.replace(/^https?:\/\/[^/]+/, origins.http);
      if (/^wss?:\/\//.test(node)) return node.replace(/^wss?:\/\/[^/]+/, origins.ws);
      return node;
    }
    if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) obj[k] = rewrite(obj[k]);
    }
    return node;
  };
  rewrite((exchange.urls as { api?: unknown }).api);
  // ccxt refuses plain ws:// until it holds an http agent of its own.
  if (origins.ws.startsWith('ws://')) await exchange.loadHttpProxyAgent();
}
