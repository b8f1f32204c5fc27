import { BookAction, InstrumentId, OrderSide, Price, Quantity, type OrderBookDelta } from '@qubit/model';
import { describe, expect, it } from 'vitest';
import { BookSide, L2Book } from './l2-book.js';

const ID = InstrumentId('BTCUSDT.BINANCE');
const lv = (p: string, s: string) => ({ price: Price.from(p), size: Quantity.from(s) });
const levels = (side: BookSide) => side.levels.map((l) => `${l.px}x${l.size}`);

function deltas(list: OrderBookDelta[]) {
  return {
    type: 'OrderBookDeltas' as const,
    instrumentId: ID,
    deltas: list,
    sequence: 1,
    tsEvent: 0n,
    tsInit: 0n,
  };
}

describe('BookSide', () => {
  it('keeps bids best (highest) first and asks best (lowest) first', () => {
    const bids = new BookSide(true);
    const asks = new BookSide(false);
    for (const px of [5n, 9n, 7n]) {
      bids.set(px, 1n);
      asks.set(px, 1n);
    }
    expect(levels(bids)).toEqual(['9x1', '7x1', '5x1']);
    expect(levels(asks)).toEqual(['5x1', '7x1', '9x1']);
  });

  it('updates a level in place and deletes it at size zero', () => {
    const asks = new BookSide(false);
    asks.set(10n, 3n);
    asks.set(10n, 5n);
    expect(levels(asks)).toEqual(['10x5']);
    asks.set(10n, 0n);
    expect(asks.best()).toBeUndefined();
  });

  it('consumes the best level and sums the volume within a limit', () => {
    const asks = new BookSide(false);
    asks.set(10n, 2n);
    asks.set(11n, 3n);
    asks.set(12n, 4n);
    expect(asks.volumeWithin(11n)).toBe(5n);
    expect(asks.volumeWithin(undefined)).toBe(9n);
    asks.consumeBest(2n);
    expect(levels(asks)).toEqual(['11x3', '12x4']);
    asks.consumeBest(1n);
    expect(levels(asks)).toEqual(['11x2', '12x4']);
  });
});

describe('L2Book', () => {
  it('replaces everything on a snapshot, whatever order the levels come in', () => {
    const book = new L2Book(2, 3);
    book.applySnapshot({
      type: 'OrderBookSnapshot',
      instrumentId: ID,
      bids: [lv('99.00', '1'), lv('100.00', '2')],
      asks: [lv('101.50', '0.5')],
      sequence: 1,
      tsEvent: 0n,
      tsInit: 0n,
    });
    expect(levels(book.bids)).toEqual(['10000x2000', '9900x1000']);
    expect(levels(book.asks)).toEqual(['10150x500']);
  });

  it('applies deltas atomically: one bad delta leaves the book as it was', () => {
    const book = new L2Book(2, 0);
    book.applyDeltas(
      deltas([
        { action: BookAction.ADD, side: OrderSide.BUY, price: Price.from('1.00'), size: Quantity.from('5') },
      ]),
    );
    expect(() =>
      book.applyDeltas(
        deltas([
          {
            action: BookAction.DELETE,
            side: OrderSide.BUY,
            price: Price.from('1.00'),
            size: Quantity.from('0'),
          },
          {
            action: BookAction.ADD,
            side: OrderSide.SELL,
            price: Price.from('1.005'),
            size: Quantity.from('1'),
          },
        ]),
      ),
    ).toThrow(/deltas\[1\]\.price/);
    expect(levels(book.bids)).toEqual(['100x5']);
  });

  it('clears the whole book on CLEAR and rounds dust sizes down', () => {
    const book = new L2Book(2, 1);
    book.applyDeltas(
      deltas([
        { action: BookAction.ADD, side: OrderSide.BUY, price: Price.from('1.00'), size: Quantity.from('5') },
        { action: BookAction.CLEAR, side: OrderSide.BUY, price: Price.from('0'), size: Quantity.from('0') },
        {
          action: BookAction.ADD,
          side: OrderSide.SELL,
          price: Price.from('2.00'),
          size: Quantity.from('1.25'),
        },
      ]),
    );
    expect(levels(book.bids)).toEqual([]);
    expect(levels(book.asks)).toEqual(['200x12']);
  });
});
