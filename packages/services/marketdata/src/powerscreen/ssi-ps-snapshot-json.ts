import { create } from '@bufbuild/protobuf';
import { Decimal, ModelError, wireSchema, type JsonObject, type UnixNanos } from '@qubit/model';
import {
  Board,
  ForeignFlowSchema,
  PriceLevelSchema,
  SsiPsSnapshotSchema,
  TradingSession,
  type PriceLevel,
  type SsiPsSnapshot,
} from '../gen/markets/v1/ssi_ps_pb.js';
import { hoseTradingDate, isoWithZoneToNanos } from './hose-time.js';
import { checkSsiPsSnapshot } from './ssi-ps-snapshot-check.js';

/**
 * The JSON form of a `markets.v1.SsiPsSnapshot`: what an HTTP facade or a file carries, and what the
 * store keeps in `ssi_ps_snapshots.snapshot`. Field names are the proto's (snake_case); enums are their
 * names without prefix ("MAIN", "ATO"); prices and values are VND decimal strings; int64 counts and
 * nanosecond times are decimal strings, since a JSON number cannot hold them all exactly.
 */
export interface SsiPsSnapshotJson {
  code: string;
  raw_symbol: string;
  exchange: string;
  board: SsiPsBoardName;
  session: SsiPsSessionName;
  /** UTC nanoseconds. On input also ISO-8601 with a zone ("2026-11-20T09:15:03.250+07:00"). */
  ts_event: string;
  ts_init: string;
  /** Exchange-local (UTC+7) date; derived from ts_event when absent on input. */
  trading_date: string;
  seq: string;
  ref_price: string;
  ceiling_price: string;
  floor_price: string;
  /** null before the day's first match (also open, high and low). */
  last_price: string | null;
  last_volume: string;
  open_price: string | null;
  high_price: string | null;
  low_price: string | null;
  total_volume: string;
  total_value: string;
  bids: { price: string; volume: string }[];
  asks: { price: string; volume: string }[];
  foreign: {
    buy_volume: string;
    sell_volume: string;
    buy_value: string;
    sell_value: string;
    total_room: string;
    current_room: string;
  };
}

export type SsiPsBoardName = Exclude<keyof typeof Board, 'UNSPECIFIED'>;
export type SsiPsSessionName = Exclude<keyof typeof TradingSession, 'UNSPECIFIED'>;

const BOARDS = names(Board) as SsiPsBoardName[];
const SESSIONS = names(TradingSession) as SsiPsSessionName[];
const TOP_KEYS = new Set([
  'code',
  'raw_symbol',
  'exchange',
  'board',
  'session',
  'ts_event',
  'ts_init',
  'trading_date',
  'seq',
  'ref_price',
  'ceiling_price',
  'floor_price',
  'last_price',
  'last_volume',
  'open_price',
  'high_price',
  'low_price',
  'total_volume',
  'total_value',
  'bids',
  'asks',
  'foreign',
]);
const LEVEL_KEYS = new Set(['price', 'volume']);
const FOREIGN_KEYS = new Set([
  'buy_volume',
  'sell_volume',
  'buy_value',
  'sell_value',
  'total_room',
  'current_room',
]);
const INT64_MAX = (1n << 63n) - 1n;

export interface SsiPsFromJsonOptions {
  /** ts_init when the JSON has none: when this process received it (the producer's clock). */
  readonly tsInit?: UnixNanos;
}

/**
 * Reads and checks the JSON form of a snapshot (see SsiPsSnapshotJson; optional on input: raw_symbol
 * (the code), exchange ("HOSE"), ts_init (options.tsInit), trading_date, last/open/high/low prices,
 * last_volume (0), bids, asks). A bad field is a ModelError naming it under `path`
 * (`snapshot.bids[2].price`); keys the form does not know are refused, so a misspelt optional field is
 * not silently dropped.
 */
export function ssiPsSnapshotFromJson(
  value: unknown,
  path = 'snapshot',
  options: SsiPsFromJsonOptions = {},
): SsiPsSnapshot {
  const at = (key: string): string => (path === '' ? key : `${path}.${key}`);
  const o = objectOf(value, path, TOP_KEYS);
  const code = text(o.code, at('code'));
  const tsEvent = time(o.ts_event, at('ts_event'));
  const tsInit =
    o.ts_init === undefined && options.tsInit !== undefined ? options.tsInit : time(o.ts_init, at('ts_init'));
  const levels = (v: unknown, name: string): PriceLevel[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v))
      throw new ModelError(at(name), `expected an array of { price, volume }, got ${kind(v)}`);
    return v.map((item, i) => {
      const p = `${at(name)}[${i}]`;
      const l = objectOf(item, p, LEVEL_KEYS);
      return create(PriceLevelSchema, {
        price: decimal(l.price, `${p}.price`),
        volume: int64(l.volume, `${p}.volume`),
      });
    });
  };
  const f = objectOf(o.foreign, at('foreign'), FOREIGN_KEYS);
  const snapshot = create(SsiPsSnapshotSchema, {
    code,
    rawSymbol: o.raw_symbol === undefined ? code : text(o.raw_symbol, at('raw_symbol')),
    exchange: o.exchange === undefined ? 'HOSE' : text(o.exchange, at('exchange')),
    board: Board[oneOf(o.board, at('board'), BOARDS)],
    session: TradingSession[oneOf(o.session, at('session'), SESSIONS)],
    tsEventNs: tsEvent,
    tsInitNs: tsInit,
    tradingDate:
      o.trading_date === undefined ? hoseTradingDate(tsEvent) : text(o.trading_date, at('trading_date')),
    seq: int64(o.seq, at('seq')),
    refPrice: decimal(o.ref_price, at('ref_price')),
    ceilingPrice: decimal(o.ceiling_price, at('ceiling_price')),
    floorPrice: decimal(o.floor_price, at('floor_price')),
    lastPrice: optDecimal(o.last_price, at('last_price')),
    lastVolume: o.last_volume === undefined ? 0n : int64(o.last_volume, at('last_volume')),
    openPrice: optDecimal(o.open_price, at('open_price')),
    highPrice: optDecimal(o.high_price, at('high_price')),
    lowPrice: optDecimal(o.low_price, at('low_price')),
    totalVolume: int64(o.total_volume, at('total_volume')),
    totalValue: decimal(o.total_value, at('total_value')),
    bids: levels(o.bids, 'bids'),
    asks: levels(o.asks, 'asks'),
    foreign: create(ForeignFlowSchema, {
      buyVolume: int64(f.buy_volume, at('foreign.buy_volume')),
      sellVolume: int64(f.sell_volume, at('foreign.sell_volume')),
      buyValue: decimal(f.buy_value, at('foreign.buy_value')),
      sellValue: decimal(f.sell_value, at('foreign.sell_value')),
      totalRoom: int64(f.total_room, at('foreign.total_room')),
      currentRoom: int64(f.current_room, at('foreign.current_room')),
    }),
  });
  checkSsiPsSnapshot(snapshot, path);
  return snapshot;
}

/** The JSON form of a snapshot; reading it back with ssiPsSnapshotFromJson gives an equal message. */
export function ssiPsSnapshotToJson(s: SsiPsSnapshot): SsiPsSnapshotJson & JsonObject {
  const opt = (p: string): string | null => (p === '' ? null : p);
  const level = (l: PriceLevel): { price: string; volume: string } => ({
    price: l.price,
    volume: l.volume.toString(),
  });
  const f = s.foreign;
  return {
    code: s.code,
    raw_symbol: s.rawSymbol,
    exchange: s.exchange,
    board: Board[s.board] as SsiPsBoardName,
    session: TradingSession[s.session] as SsiPsSessionName,
    ts_event: s.tsEventNs.toString(),
    ts_init: s.tsInitNs.toString(),
    trading_date: s.tradingDate,
    seq: s.seq.toString(),
    ref_price: s.refPrice,
    ceiling_price: s.ceilingPrice,
    floor_price: s.floorPrice,
    last_price: opt(s.lastPrice),
    last_volume: s.lastVolume.toString(),
    open_price: opt(s.openPrice),
    high_price: opt(s.highPrice),
    low_price: opt(s.lowPrice),
    total_volume: s.totalVolume.toString(),
    total_value: s.totalValue,
    bids: s.bids.map(level),
    asks: s.asks.map(level),
    foreign: {
      buy_volume: (f?.buyVolume ?? 0n).toString(),
      sell_volume: (f?.sellVolume ?? 0n).toString(),
      buy_value: f?.buyValue ?? '0',
      sell_value: f?.sellValue ?? '0',
      total_room: (f?.totalRoom ?? 0n).toString(),
      current_room: (f?.currentRoom ?? 0n).toString(),
    },
  };
}

function names(e: Record<string, string | number>): string[] {
  return Object.keys(e).filter((k) => Number.isNaN(Number(k)) && k !== 'UNSPECIFIED');
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? `a string of ${v.length} characters` : `"${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

function objectOf(v: unknown, path: string, keys: ReadonlySet<string>): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    if (v === undefined) throw new ModelError(path, 'is required');
    throw new ModelError(path, `expected an object, got ${kind(v)}`);
  }
  for (const key of Object.keys(v)) {
    if (!keys.has(key))
      throw new ModelError(path === '' ? key : `${path}.${key}`, 'is not a field of the snapshot form');
  }
  return v as Record<string, unknown>;
}

function text(v: unknown, path: string): string {
  if (v === undefined || v === null) throw new ModelError(path, 'is required');
  if (typeof v !== 'string' || v.trim() === '')
    throw new ModelError(path, `expected a non-empty string, got ${kind(v)}`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  if (v === undefined || v === null) throw new ModelError(path, 'is required');
  throw new ModelError(path, `expected one of ${allowed.join(', ')}, got ${kind(v)}`);
}

/**
 * A decimal as canonical text (trailing fractional zeros dropped). JSON numbers are taken only when they
 * are safe integers: a fractional JSON number has already passed through a binary float.
 */
function decimal(v: unknown, path: string): string {
  if (v === undefined || v === null) throw new ModelError(path, 'is required');
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new ModelError(path, `${v} is not a safe integer: send fractional amounts as decimal strings`);
    }
    return String(v);
  }
  if (typeof v !== 'string') throw new ModelError(path, `expected a decimal string, got ${kind(v)}`);
  return Decimal.parse(v, path).normalize().toString();
}

function optDecimal(v: unknown, path: string): string {
  return v === undefined || v === null ? '' : decimal(v, path);
}

function int64(v: unknown, path: string): bigint {
  let n: bigint;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^-?\d{1,19}$/.test(v)) n = BigInt(v);
  else if (v === undefined || v === null) throw new ModelError(path, 'is required');
  else
    throw new ModelError(
      path,
      `expected a whole number (a safe integer or a string of digits), got ${kind(v)}`,
    );
  if (n < 0n) throw new ModelError(path, `must not be negative, got ${n}`);
  if (n > INT64_MAX) throw new ModelError(path, `${n} does not fit in 64 bits`);
  return n;
}

/** Nanoseconds as a string of digits (or a safe integer), or ISO-8601 text that names its zone. */
function time(v: unknown, path: string): UnixNanos {
  if (typeof v === 'string' && !/^\d+$/.test(v)) return isoWithZoneToNanos(v, path);
  return wireSchema.nanos(v, path, {});
}
