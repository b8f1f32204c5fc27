import {
  InstrumentId,
  Price,
  Quantity,
  TradeId,
  makeBarType,
  type Bar,
  type TradeTick,
  type UnixNanos,
} from '@qubit/model';

/** A BTCUSDT.BINANCE trade for tests: price as a decimal string, at `ts` ns. */
export function btcTrade(price: string, ts: UnixNanos, tradeId = `t${ts}`): TradeTick {
  return {
    type: 'TradeTick',
    instrumentId: InstrumentId('BTCUSDT.BINANCE'),
    price: Price.from(price, 'price'),
    size: Quantity.from('0.01000', 'size'),
    aggressorSide: 'BUYER',
    tradeId: TradeId(tradeId),
    tsEvent: ts,
    tsInit: ts,
  };
}

/** A closed 1-minute BTCUSDT.BINANCE bar whose open, high, low and close are all `close`. */
export function btcMinuteBar(close: string, minute: number): Bar {
  const price = Price.from(close, 'close');
  const ts = BigInt(minute + 1) * 60_000_000_000n;
  return {
    type: 'Bar',
    barType: makeBarType(InstrumentId('BTCUSDT.BINANCE'), 1, 'MINUTE', 'LAST'),
    open: price,
    high: price,
    low: price,
    close: price,
    volume: Quantity.from('1.00000', 'volume'),
    tsEvent: ts,
    tsInit: ts,
  };
}
