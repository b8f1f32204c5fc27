import {
  BookAction,
  OrderSide,
  type BookLevel,
  type InstrumentId,
  type OrderBookDelta,
  type OrderBookSnapshot,
  type UnixNanos,
} from '@qubit/model';

/**
 * The levels of one L2 book as a venue states them, keyed by the normalized price so "0.3521" and
 * "0.35210000" are one level. Exact: prices and sizes stay the model's decimals.
 */
export class BookLevels {
  private readonly bids = new Map<string, BookLevel>();
  private readonly asks = new Map<string, BookLevel>();

  /** Replaces everything with the snapshot's levels. */
  reset(snapshot: OrderBookSnapshot): void {
    this.clear();
    for (const l of snapshot.bids) this.set(OrderSide.BUY, l);
    for (const l of snapshot.asks) this.set(OrderSide.SELL, l);
  }

  clear(): void {
    this.bids.clear();
    this.asks.clear();
  }

  apply(delta: OrderBookDelta): void {
    if (delta.action === BookAction.CLEAR) {
      (delta.side === OrderSide.BUY ? this.bids : this.asks).clear();
      return;
    }
    if (delta.action === BookAction.DELETE || delta.size.isZero()) {
      (delta.side === OrderSide.BUY ? this.bids : this.asks).delete(key(delta));
      return;
    }
    this.set(delta.side, delta);
  }

  get size(): { bids: number; asks: number } {
    return { bids: this.bids.size, asks: this.asks.size };
  }

  /** Levels best first: bids high to low, asks low to high. */
  sorted(): { bids: BookLevel[]; asks: BookLevel[] } {
    return {
      bids: [...this.bids.values()].sort((a, b) => b.price.cmp(a.price)),
      asks: [...this.asks.values()].sort((a, b) => a.price.cmp(b.price)),
    };
  }

  bestBid(): BookLevel | undefined {
    let best: BookLevel | undefined;
    for (const l of this.bids.values()) if (!best || l.price.gt(best.price)) best = l;
    return best;
  }

  bestAsk(): BookLevel | undefined {
    let best: BookLevel | undefined;
    for (const l of this.asks.values()) if (!best || l.price.lt(best.price)) best = l;
    return best;
  }

  /** Undefined when consistent; otherwise what is wrong, in one line. */
  inconsistency(): string | undefined {
    for (const [side, m] of [
      ['bid', this.bids],
      ['ask', this.asks],
    ] as const) {
      for (const l of m.values()) {
        if (!l.size.isPositive()) return `${side} level ${l.price.toString()} has size ${l.size.toString()}`;
      }
    }
    const bid = this.bestBid();
    const ask = this.bestAsk();
    if (bid && ask && !bid.price.lt(ask.price)) {
      return `crossed: best bid ${bid.price.toString()} is not below best ask ${ask.price.toString()}`;
    }
    return undefined;
  }

  snapshot(
    instrumentId: InstrumentId,
    sequence: number,
    tsEvent: UnixNanos,
    tsInit: UnixNanos,
  ): OrderBookSnapshot {
    return { type: 'OrderBookSnapshot', instrumentId, ...this.sorted(), sequence, tsEvent, tsInit };
  }

  private set(side: OrderSide, level: BookLevel): void {
    (side === OrderSide.BUY ? this.bids : this.asks).set(key(level), {
      price: level.price,
      size: level.size,
    });
  }
}

function key(level: { price: BookLevel['price'] }): string {
  return level.price.normalize().toString();
}
