import { Decimal, ModelError } from '@qubit/model';
import { Board, TradingSession, type PriceLevel, type SsiPsSnapshot } from '../gen/markets/v1/ssi_ps_pb.js';
import { hoseTickSize } from './hose-tick-size.js';
import { hoseTradingDate } from './hose-time.js';

/** The stock code: upper-case letters and digits, as the store keys it. */
export const SSI_PS_CODE = /^[A-Z0-9]{1,16}$/;
/** Most depth levels a side may carry: PowerScreen shows 10; more is a malformed source. */
export const MAX_SSI_PS_DEPTH = 50;
const INT64_MAX = (1n << 63n) - 1n;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks what the protobuf types cannot say about a snapshot: a known code and board, an exchange time,
 * prices that are positive decimals on the HOSE tick grid within the day's floor-ceiling band, a book
 * sorted best first, non-negative volumes and a foreign room no larger than the limit. Both the JSON
 * converter and the consumer (on decoded bytes) use it, so a snapshot is held to the same rules whichever
 * way it came. Throws a ModelError naming the field under `path` (snake_case, as in the JSON form).
 */
export function checkSsiPsSnapshot(s: SsiPsSnapshot, path: string): void {
  const at = (field: string): string => (path === '' ? field : `${path}.${field}`);
  if (!SSI_PS_CODE.test(s.code)) {
    throw new ModelError(at('code'), `expected 1-16 upper-case letters and digits, got "${s.code}"`);
  }
  if (s.exchange !== 'HOSE') throw new ModelError(at('exchange'), `expected "HOSE", got "${s.exchange}"`);
  if (s.board === Board.UNSPECIFIED || Board[s.board] === undefined) {
    throw new ModelError(at('board'), `is not a known board (${s.board})`);
  }
  if (s.session === TradingSession.UNSPECIFIED || TradingSession[s.session] === undefined) {
    throw new ModelError(at('session'), `is not a known trading session (${s.session})`);
  }
  if (s.tsEventNs <= 0n)
    throw new ModelError(at('ts_event'), `must be a time after 1970, got ${s.tsEventNs} ns`);
  if (s.tsInitNs < 0n) throw new ModelError(at('ts_init'), `must not be negative, got ${s.tsInitNs} ns`);
  if (!DATE.test(s.tradingDate) || s.tradingDate !== hoseTradingDate(s.tsEventNs)) {
    throw new ModelError(
      at('trading_date'),
      `"${s.tradingDate}" is not the HOSE (UTC+7) date of ts_event, ${hoseTradingDate(s.tsEventNs)}`,
    );
  }
  if (s.seq > INT64_MAX) throw new ModelError(at('seq'), `${s.seq} is above 2^63-1`);

  const floor = positivePrice(s.floorPrice, at('floor_price'));
  const ceiling = positivePrice(s.ceilingPrice, at('ceiling_price'));
  const ref = positivePrice(s.refPrice, at('ref_price'));
  if (floor.gt(ceiling)) {
    throw new ModelError(at('floor_price'), `${s.floorPrice} is above the ceiling price ${s.ceilingPrice}`);
  }
  if (ref.lt(floor) || ref.gt(ceiling)) {
    throw new ModelError(
      at('ref_price'),
      `${s.refPrice} is outside the band [${s.floorPrice}, ${s.ceilingPrice}]`,
    );
  }
  // Put-through deals are negotiated: any price within the band, off the tick grid.
  const onGrid = s.board !== Board.PUT_THROUGH;
  const traded = (text: string, field: string): Decimal | undefined => {
    if (text === '') return undefined;
    const p = positivePrice(text, field);
    if (p.lt(floor) || p.gt(ceiling)) {
      throw new ModelError(field, `${text} is outside the band [${s.floorPrice}, ${s.ceilingPrice}]`);
    }
    if (onGrid) {
      const tick = hoseTickSize(s.code, p);
      if (!p.isMultipleOf(tick))
        throw new ModelError(field, `${text} is not a multiple of the HOSE tick ${tick}`);
    }
    return p;
  };
  const last = traded(s.lastPrice, at('last_price'));
  traded(s.openPrice, at('open_price'));
  const high = traded(s.highPrice, at('high_price'));
  const low = traded(s.lowPrice, at('low_price'));
  if (high !== undefined && low !== undefined && low.gt(high)) {
    throw new ModelError(at('low_price'), `${s.lowPrice} is above the high price ${s.highPrice}`);
  }
  if (last !== undefined && ((high !== undefined && last.gt(high)) || (low !== undefined && last.lt(low)))) {
    throw new ModelError(
      at('last_price'),
      `${s.lastPrice} is outside the day's range [${s.lowPrice}, ${s.highPrice}]`,
    );
  }
  volume(s.lastVolume, at('last_volume'));
  volume(s.totalVolume, at('total_volume'));
  nonNegativeValue(s.totalValue, at('total_value'));

  const side = (levels: readonly PriceLevel[], name: 'bids' | 'asks'): void => {
    if (levels.length > MAX_SSI_PS_DEPTH) {
      throw new ModelError(at(name), `has ${levels.length} levels; at most ${MAX_SSI_PS_DEPTH} are accepted`);
    }
    let previous: Decimal | undefined;
    levels.forEach((level, i) => {
      const field = at(`${name}[${i}]`);
      const p = traded(level.price, `${field}.price`);
      if (p === undefined) throw new ModelError(`${field}.price`, 'is required');
      if (level.volume <= 0n)
        throw new ModelError(`${field}.volume`, `must be positive, got ${level.volume}`);
      // Best first, one level per price: bids fall, asks rise.
      if (previous !== undefined && (name === 'bids' ? !p.lt(previous) : !p.gt(previous))) {
        throw new ModelError(
          `${field}.price`,
          `${level.price} is not ${name === 'bids' ? 'below' : 'above'} the level before it (${previous.toString()})`,
        );
      }
      previous = p;
    });
  };
  side(s.bids, 'bids');
  side(s.asks, 'asks');

  const f = s.foreign;
  if (f === undefined) throw new ModelError(at('foreign'), 'is required');
  volume(f.buyVolume, at('foreign.buy_volume'));
  volume(f.sellVolume, at('foreign.sell_volume'));
  nonNegativeValue(f.buyValue, at('foreign.buy_value'));
  nonNegativeValue(f.sellValue, at('foreign.sell_value'));
  volume(f.totalRoom, at('foreign.total_room'));
  volume(f.currentRoom, at('foreign.current_room'));
  if (f.currentRoom > f.totalRoom) {
    throw new ModelError(
      at('foreign.current_room'),
      `${f.currentRoom} is above the total room ${f.totalRoom}`,
    );
  }
}

function positivePrice(text: string, field: string): Decimal {
  if (text === '') throw new ModelError(field, 'is required');
  const p = Decimal.parse(text, field);
  if (!p.isPositive()) throw new ModelError(field, `must be positive, got ${text}`);
  return p;
}

function nonNegativeValue(text: string, field: string): void {
  if (text === '') throw new ModelError(field, 'is required');
  if (Decimal.parse(text, field).isNegative())
    throw new ModelError(field, `must not be negative, got ${text}`);
}

function volume(n: bigint, field: string): void {
  if (n < 0n) throw new ModelError(field, `must not be negative, got ${n}`);
}
