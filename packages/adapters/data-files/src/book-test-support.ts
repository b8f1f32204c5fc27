import type { BookLevel, OrderBookDelta } from '@qubit/model';
import type { BookData } from './book-building.js';
import type { LoadedBook, LoadedData } from './loaded-data.js';

/** Tests only: book results written compactly so expectations stay readable. */
export function book(r: LoadedData): LoadedBook {
  if (r.kind !== 'book') throw new Error(`expected book data, got ${r.kind}`);
  return r;
}

export function levels(ls: readonly BookLevel[]): string[] {
  return ls.map((l) => `${l.price}x${l.size}`);
}

export function deltas(d: BookData): string[] {
  if (d.type !== 'OrderBookDeltas') throw new Error('expected deltas');
  return d.deltas.map((x: OrderBookDelta) => `${x.action} ${x.side} ${x.price}x${x.size}`);
}
