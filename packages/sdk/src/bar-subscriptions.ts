import type { BotSubscriptions } from './define-bot.js';

/** The last-price bar series of an instrument at a timeframe: "BTCUSDT-PERP.BINANCE-1-MINUTE-LAST". */
export function lastBarType(instrumentId: string, timeframe: string): string {
  return `${instrumentId}-${timeframe}-LAST`;
}

/** Subscriptions of a bot woken by the closed last-price bars of each instrument at one timeframe. */
export function barSubscriptions(
  instruments: string | readonly string[],
  timeframe: string,
): BotSubscriptions {
  const ids = typeof instruments === 'string' ? [instruments] : [...instruments];
  return { instruments: ids, barTypes: ids.map((id) => lastBarType(id, timeframe)) };
}
