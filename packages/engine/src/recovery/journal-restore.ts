import { OrderStatus, parseInstrumentId, type ClientOrderId, type OrderEvent } from '@qubit/model';
import type { Cache } from '../cache/cache.js';
import type { ClientOrderIdGenerator } from '../execution/client-order-id-generator.js';
import type { ExecutionEngine } from '../execution/execution-engine.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { JournalEntry } from '../ports/journal-entry.js';
import { advanceIdsTo, idCounter } from './advance-ids.js';
import type { RecoveryMarks } from './recovery-marks.js';
import type { RestoreSummary } from './restore-summary.js';

/** The parts of a node the journal rebuilds. */
export interface RestoreTarget {
  readonly cache: Cache;
  readonly execution: ExecutionEngine;
  readonly portfolio: Portfolio;
  readonly ids: IdGenerator;
  /** The prefix of `ids`: journaled ids of this prefix are never issued again. */
  readonly idPrefix: string;
  readonly orderIds: ClientOrderIdGenerator;
  readonly marks: RecoveryMarks;
}

/**
 * Replays a journal into a fresh node, in journal order: orders into the cache (through the
 * ExecutionEngine, which also remembers the commands carried out), fills into the portfolio, every
 * client order id into the generator (so none is made again) and the IdGenerator past every id of its
 * prefix. Nothing is journaled, published to the order topics or sent to a venue. An entry that cannot be
 * applied is reported in `anomalies` and skipped; nothing is thrown for the journal's content.
 */
export function restoreFromJournal(t: RestoreTarget, entries: readonly JournalEntry[]): RestoreSummary {
  let commands = 0;
  let events = 0;
  let duplicates = 0;
  let orders = 0;
  let fills = 0;
  let lastId = -1;
  const anomalies: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry: unknown = entries[i];
    const label = labelOf(i, entry);
    const id = idOf(entry);
    if (id !== undefined) {
      const n = idCounter(id, t.idPrefix);
      if (n !== undefined && n > lastId) lastId = n;
    }
    let outcome;
    try {
      outcome = t.execution.replay(entry as JournalEntry);
    } catch (err) {
      anomalies.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (outcome.kind === 'refused') {
      anomalies.push(`${label}: ${outcome.reason}`);
      continue;
    }
    if (outcome.kind === 'duplicate') {
      duplicates++;
      continue;
    }
    const e = entry as JournalEntry;
    if (e.type === 'SubmitOrder' || e.type === 'OrderInitialized') {
      try {
        t.orderIds.register(e.clientOrderId, e.botId, e.reason);
      } catch (err) {
        anomalies.push(`${label}: its client order id is not remembered: ${(err as Error).message}`);
      }
    }
    if (
      e.type === 'SubmitOrder' ||
      e.type === 'ModifyOrder' ||
      e.type === 'CancelOrder' ||
      e.type === 'CancelAllOrders'
    ) {
      commands++;
      continue;
    }
    events++;
    if (e.type === 'OrderInitialized') orders++;
    if (e.type !== 'OrderFilled') continue;
    const venue = venueOf(t.cache, e);
    if (venue !== undefined) t.marks.noteTradeId(venue, e.tradeId);
    try {
      if (t.portfolio.applyFill(e) === 'applied') fills++;
    } catch (err) {
      anomalies.push(
        `${label}: order ${e.clientOrderId} took the fill but the portfolio refused it: ${(err as Error).message}`,
      );
    }
  }
  advanceIdsTo(t.ids, t.idPrefix, lastId, 'journal');
  const inFlight: ClientOrderId[] = [];
  const unsubmitted: ClientOrderId[] = [];
  let openOrders = 0;
  for (const o of t.cache.openOrderValues()) {
    openOrders++;
    if (o.status === OrderStatus.INITIALIZED) unsubmitted.push(o.clientOrderId);
    else if (o.isInFlight) inFlight.push(o.clientOrderId);
  }
  return {
    entries: entries.length,
    commands,
    events,
    duplicates,
    orders,
    openOrders,
    inFlight,
    unsubmitted,
    fills,
    positions: t.portfolio.positions().length,
    anomalies,
  };
}

function labelOf(index: number, entry: unknown): string {
  if (entry === null || typeof entry !== 'object') return `entry ${index}`;
  const e = entry as { type?: unknown; clientOrderId?: unknown };
  const type = typeof e.type === 'string' ? e.type : 'entry without a type';
  const order = typeof e.clientOrderId === 'string' ? ` of ${e.clientOrderId}` : '';
  return `entry ${index} (${type}${order})`;
}

function idOf(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object') return undefined;
  const e = entry as { eventId?: unknown; commandId?: unknown };
  if (typeof e.eventId === 'string') return e.eventId;
  return typeof e.commandId === 'string' ? e.commandId : undefined;
}

function venueOf(cache: Cache, e: OrderEvent): string | undefined {
  const known = cache.instrument(e.instrumentId);
  if (known) return known.venue;
  try {
    return parseInstrumentId(e.instrumentId).venue;
  } catch {
    return undefined;
  }
}
