import {
  AccountType,
  Decimal,
  ModelError,
  TraderId,
  TradingState,
  describe,
  millisToNanos,
  type RiskScope,
} from '@qubit/model';

/** The states a breaker may move a scope to; breakers never move a scope back to ACTIVE. */
export type BreakerAction = typeof TradingState.REDUCING | typeof TradingState.HALTED;

/** At most `count` orders (submits and modifies) inside any sliding window of `windowNs`. */
export interface SubmitRate {
  readonly count: number;
  readonly windowNs: bigint;
}

/** |net position| ceiling: one for every instrument, with per-instrument overrides keyed by instrument id. */
export interface PositionLimit {
  readonly default?: Decimal;
  readonly perInstrument?: Readonly<Record<string, Decimal>>;
}

/** Moves the scope to `action` once its PnL falls more than `maxDrawdown` below its observed peak. */
export interface DrawdownBreaker {
  readonly maxDrawdown: Decimal;
  readonly action: BreakerAction;
}

/** Moves the scope to `action` after `consecutive` venue rejections with no acceptance or fill between. */
export interface RejectBreaker {
  readonly consecutive: number;
  readonly action: BreakerAction;
}

/**
 * Limits of one scope; every limit is optional and an absent one is not checked. Amounts are in the
 * account's base currency. Position, leverage and exposure limits are per-account measures: set on
 * the global scope they cap every account, set on a bot they apply to the bot's sub-ledger. Counts,
 * rates and PnL limits aggregate over the scope (global = everything).
 */
export interface RiskLimits {
  readonly maxOrderQuantity?: Decimal;
  readonly maxOrderNotional?: Decimal;
  readonly maxPositionQty?: PositionLimit;
  readonly maxLeverage?: Decimal;
  readonly maxGrossExposure?: Decimal;
  readonly dailyLossCap?: Decimal;
  readonly maxOpenOrders?: number;
  readonly maxSubmitRate?: SubmitRate;
  /** Bot scope only: gross exposure + open order notional may not pass it. */
  readonly budget?: Decimal;
  readonly drawdownBreaker?: DrawdownBreaker;
  readonly rejectBreaker?: RejectBreaker;
}

/** Everything the RiskEngine is configured with; the instrument rules apply to every instrument. */
export interface RiskConfig {
  /** Trader whose CancelAllOrders the engine sends when a scope halts. */
  readonly traderId: TraderId;
  readonly global?: RiskLimits;
  readonly accounts?: Readonly<Record<string, RiskLimits>>;
  readonly bots?: Readonly<Record<string, RiskLimits>>;
  /** Instrument ids ("BTCUSDT.BINANCE") or bare symbols ("BTCUSDT") allowed; absent means every instrument. */
  readonly whitelist?: readonly string[];
  /** Fat-finger collar as a fraction of the last price; default 0.10, null switches the collar off. */
  readonly collarPct?: Decimal | null;
  readonly instrumentSubmitRate?: SubmitRate;
  /** Send CancelAllOrders for a scope that becomes HALTED; default true. */
  readonly cancelOnHalt?: boolean;
  /**
   * CASH or MARGIN per account. Without an entry the type comes from the last AccountState seen on
   * portfolio.updated, else from the instrument (spot → cash, derivatives → margin).
   */
  readonly accountTypes?: Readonly<Record<string, AccountType>>;
  /** Where the trading day starts, in minutes east of UTC midnight (420 = midnight in UTC+7); default 0. */
  readonly tradingDayOffsetMinutes?: number;
  /** How many decided command ids each stage remembers at least, to drop redeliveries; default 50,000. */
  readonly dedupeCapacity?: number;
  /** How long an approved order is counted as committed before the cache knows it; default 60 s. */
  readonly pendingTtlNs?: bigint;
}

export const DEFAULT_COLLAR_PCT = Decimal.parse('0.10');
export const DEFAULT_DEDUPE_CAPACITY = 50_000;
export const DEFAULT_PENDING_TTL_NS = 60_000_000_000n;

const LIMIT_KEYS: Readonly<Record<keyof RiskLimits, string>> = {
  maxOrderQuantity: 'max_order_quantity',
  maxOrderNotional: 'max_order_notional',
  maxPositionQty: 'max_position_qty',
  maxLeverage: 'max_leverage',
  maxGrossExposure: 'max_gross_exposure',
  dailyLossCap: 'daily_loss_cap',
  maxOpenOrders: 'max_open_orders',
  maxSubmitRate: 'max_submit_rate',
  budget: 'budget',
  drawdownBreaker: 'drawdown_breaker',
  rejectBreaker: 'reject_breaker',
};

const CONFIG_KEYS = [
  'trader_id',
  'global',
  'accounts',
  'bots',
  'whitelist',
  'collar_pct',
  'instrument_submit_rate',
  'cancel_on_halt',
  'account_types',
  'trading_day_offset_minutes',
  'dedupe_capacity',
  'pending_ttl_ms',
] as const;

type Json = Record<string, unknown>;

/**
 * Reads the JSON/YAML form of the risk config (snake_case keys, decimals as strings or numbers).
 * Every error names the key, e.g. `risk.bots.b1.max_leverage: "abc" is not a decimal number`.
 */
export function riskConfigFromJson(value: unknown, field = 'risk'): RiskConfig {
  const obj = object(value, field);
  unknownKeys(obj, CONFIG_KEYS, field);
  const traderId = TraderId(obj.trader_id, `${field}.trader_id`);
  const config: {
    -readonly [K in keyof RiskConfig]: RiskConfig[K];
  } = { traderId };
  if (obj.global !== undefined) config.global = limitsFromJson(obj.global, `${field}.global`, 'global');
  if (obj.accounts !== undefined) config.accounts = limitsMap(obj.accounts, `${field}.accounts`, 'account');
  if (obj.bots !== undefined) config.bots = limitsMap(obj.bots, `${field}.bots`, 'bot');
  if (obj.whitelist !== undefined) {
    const list = obj.whitelist;
    if (!Array.isArray(list))
      throw new ModelError(`${field}.whitelist`, `expected a list, got ${describe(list)}`);
    config.whitelist = list.map((s, i) => {
      if (typeof s !== 'string' || s.length === 0) {
        throw new ModelError(
          `${field}.whitelist[${i}]`,
          `expected an instrument id or symbol, got ${describe(s)}`,
        );
      }
      return s;
    });
  }
  if (obj.collar_pct === null) config.collarPct = null;
  else if (obj.collar_pct !== undefined)
    config.collarPct = nonNegative(obj.collar_pct, `${field}.collar_pct`);
  if (obj.instrument_submit_rate !== undefined) {
    config.instrumentSubmitRate = submitRateFromJson(
      obj.instrument_submit_rate,
      `${field}.instrument_submit_rate`,
    );
  }
  if (obj.cancel_on_halt !== undefined)
    config.cancelOnHalt = bool(obj.cancel_on_halt, `${field}.cancel_on_halt`);
  if (obj.account_types !== undefined) {
    const types = object(obj.account_types, `${field}.account_types`);
    const out: Record<string, AccountType> = {};
    for (const [id, t] of Object.entries(types)) {
      if (t !== AccountType.CASH && t !== AccountType.MARGIN) {
        throw new ModelError(`${field}.account_types.${id}`, `${describe(t)} is not CASH or MARGIN`);
      }
      out[id] = t;
    }
    config.accountTypes = out;
  }
  if (obj.trading_day_offset_minutes !== undefined) {
    const m = integer(obj.trading_day_offset_minutes, `${field}.trading_day_offset_minutes`, -1439);
    if (m > 1439)
      throw new ModelError(`${field}.trading_day_offset_minutes`, `must be at most 1439, got ${m}`);
    config.tradingDayOffsetMinutes = m;
  }
  if (obj.dedupe_capacity !== undefined)
    config.dedupeCapacity = integer(obj.dedupe_capacity, `${field}.dedupe_capacity`, 1);
  if (obj.pending_ttl_ms !== undefined)
    config.pendingTtlNs = positiveMillis(obj.pending_ttl_ms, `${field}.pending_ttl_ms`);
  return config;
}

/** Reads one scope's limits; `budget` is accepted on bots only. */
export function limitsFromJson(value: unknown, field: string, kind: RiskScope['kind'] = 'bot'): RiskLimits {
  const obj = object(value, field);
  unknownKeys(obj, Object.values(LIMIT_KEYS), field);
  const out: { -readonly [K in keyof RiskLimits]: RiskLimits[K] } = {};
  const f = (key: keyof RiskLimits): string => `${field}.${LIMIT_KEYS[key]}`;
  const get = (key: keyof RiskLimits): unknown => obj[LIMIT_KEYS[key]];
  for (const key of [
    'maxOrderQuantity',
    'maxOrderNotional',
    'maxLeverage',
    'maxGrossExposure',
    'dailyLossCap',
  ] as const) {
    const v = get(key);
    if (v !== undefined) out[key] = nonNegative(v, f(key));
  }
  const pos = get('maxPositionQty');
  if (pos !== undefined) out.maxPositionQty = positionLimitFromJson(pos, f('maxPositionQty'));
  const open = get('maxOpenOrders');
  if (open !== undefined) out.maxOpenOrders = integer(open, f('maxOpenOrders'), 0);
  const rate = get('maxSubmitRate');
  if (rate !== undefined) out.maxSubmitRate = submitRateFromJson(rate, f('maxSubmitRate'));
  const budget = get('budget');
  if (budget !== undefined) {
    if (kind !== 'bot') throw new ModelError(f('budget'), 'a budget applies to bots only');
    out.budget = nonNegative(budget, f('budget'));
  }
  const dd = get('drawdownBreaker');
  if (dd !== undefined) {
    const o = object(dd, f('drawdownBreaker'));
    unknownKeys(o, ['max_drawdown', 'action'], f('drawdownBreaker'));
    out.drawdownBreaker = {
      maxDrawdown: nonNegative(o.max_drawdown, `${f('drawdownBreaker')}.max_drawdown`),
      action: action(o.action, `${f('drawdownBreaker')}.action`),
    };
  }
  const rb = get('rejectBreaker');
  if (rb !== undefined) {
    const o = object(rb, f('rejectBreaker'));
    unknownKeys(o, ['consecutive', 'action'], f('rejectBreaker'));
    out.rejectBreaker = {
      consecutive: integer(o.consecutive, `${f('rejectBreaker')}.consecutive`, 1),
      action: action(o.action, `${f('rejectBreaker')}.action`),
    };
  }
  return out;
}

/**
 * Checks limits built in code (setLimits, RiskConfig literals) with the same rules the JSON reader
 * applies, so a bad value is refused before anything changes.
 */
export function validateLimits(limits: Partial<RiskLimits>, field: string, kind: RiskScope['kind']): void {
  if (limits === null || typeof limits !== 'object')
    throw new ModelError(field, `expected limits, got ${describe(limits)}`);
  for (const key of Object.keys(limits)) {
    if (!(key in LIMIT_KEYS))
      throw new ModelError(
        `${field}.${key}`,
        `unknown limit; expected one of ${Object.keys(LIMIT_KEYS).join(', ')}`,
      );
  }
  const dec = (v: unknown, f: string): void => {
    if (v === undefined) return;
    if (!(v instanceof Decimal)) throw new ModelError(f, `expected a Decimal, got ${describe(v)}`);
    if (v.isNegative()) throw new ModelError(f, `must not be negative, got ${v.toString()}`);
  };
  for (const key of [
    'maxOrderQuantity',
    'maxOrderNotional',
    'maxLeverage',
    'maxGrossExposure',
    'dailyLossCap',
    'budget',
  ] as const) {
    dec(limits[key], `${field}.${key}`);
  }
  if (limits.budget !== undefined && kind !== 'bot')
    throw new ModelError(`${field}.budget`, 'a budget applies to bots only');
  const pos = limits.maxPositionQty;
  if (pos !== undefined) {
    if (pos === null || typeof pos !== 'object')
      throw new ModelError(`${field}.maxPositionQty`, 'expected { default?, perInstrument? }');
    dec(pos.default, `${field}.maxPositionQty.default`);
    for (const [id, v] of Object.entries(pos.perInstrument ?? {}))
      dec(v, `${field}.maxPositionQty.perInstrument.${id}`);
  }
  if (limits.maxOpenOrders !== undefined) checkInt(limits.maxOpenOrders, `${field}.maxOpenOrders`, 0);
  const rate = limits.maxSubmitRate;
  if (rate !== undefined) checkRate(rate, `${field}.maxSubmitRate`);
  const dd = limits.drawdownBreaker;
  if (dd !== undefined) {
    if (!(dd.maxDrawdown instanceof Decimal))
      throw new ModelError(`${field}.drawdownBreaker.maxDrawdown`, 'expected a Decimal');
    dec(dd.maxDrawdown, `${field}.drawdownBreaker.maxDrawdown`);
    action(dd.action, `${field}.drawdownBreaker.action`);
  }
  const rb = limits.rejectBreaker;
  if (rb !== undefined) {
    checkInt(rb.consecutive, `${field}.rejectBreaker.consecutive`, 1);
    action(rb.action, `${field}.rejectBreaker.action`);
  }
}

export function checkRate(rate: SubmitRate, field: string): void {
  if (rate === null || typeof rate !== 'object') throw new ModelError(field, 'expected { count, windowNs }');
  checkInt(rate.count, `${field}.count`, 0);
  if (typeof rate.windowNs !== 'bigint' || rate.windowNs <= 0n) {
    throw new ModelError(
      `${field}.windowNs`,
      `must be a positive bigint of nanoseconds, got ${describe(rate.windowNs)}`,
    );
  }
}

/** The position ceiling that applies to one instrument, if any. */
export function positionLimitFor(
  limit: PositionLimit | undefined,
  instrumentId: string,
): Decimal | undefined {
  if (!limit) return undefined;
  return limit.perInstrument?.[instrumentId] ?? limit.default;
}

function limitsMap(value: unknown, field: string, kind: RiskScope['kind']): Record<string, RiskLimits> {
  const obj = object(value, field);
  const out: Record<string, RiskLimits> = {};
  for (const [id, v] of Object.entries(obj)) out[id] = limitsFromJson(v, `${field}.${id}`, kind);
  return out;
}

function positionLimitFromJson(value: unknown, field: string): PositionLimit {
  if (typeof value === 'string' || typeof value === 'number') return { default: nonNegative(value, field) };
  const obj = object(value, field);
  unknownKeys(obj, ['default', 'per_instrument'], field);
  const out: { default?: Decimal; perInstrument?: Record<string, Decimal> } = {};
  if (obj.default !== undefined) out.default = nonNegative(obj.default, `${field}.default`);
  if (obj.per_instrument !== undefined) {
    const per = object(obj.per_instrument, `${field}.per_instrument`);
    out.perInstrument = {};
    for (const [id, v] of Object.entries(per))
      out.perInstrument[id] = nonNegative(v, `${field}.per_instrument.${id}`);
  }
  return out;
}

function submitRateFromJson(value: unknown, field: string): SubmitRate {
  const obj = object(value, field);
  unknownKeys(obj, ['count', 'window_ms'], field);
  return {
    count: integer(obj.count, `${field}.count`, 0),
    windowNs: positiveMillis(obj.window_ms, `${field}.window_ms`),
  };
}

function positiveMillis(value: unknown, field: string): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ModelError(field, `expected a positive number of milliseconds, got ${describe(value)}`);
  }
  return millisToNanos(value);
}

function object(value: unknown, field: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ModelError(
      field,
      `expected an object, got ${Array.isArray(value) ? 'a list' : describe(value)}`,
    );
  }
  return value as Json;
}

function unknownKeys(obj: Json, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key))
      throw new ModelError(`${field}.${key}`, `unknown key; expected one of ${allowed.join(', ')}`);
  }
}

function nonNegative(value: unknown, field: string): Decimal {
  if (value === undefined || value === null) throw new ModelError(field, 'is required');
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new ModelError(field, `expected a decimal string, got ${describe(value)}`);
  }
  const d = Decimal.from(value, field);
  if (d.isNegative()) throw new ModelError(field, `must not be negative, got ${d.toString()}`);
  return d;
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ModelError(
      field,
      `expected an integer, got ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`,
    );
  }
  if (value < min) throw new ModelError(field, `must be at least ${min}, got ${value}`);
  return value;
}

function checkInt(value: unknown, field: string, min: number): void {
  integer(value, field, min);
}

function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw new ModelError(field, `expected true or false, got ${describe(value)}`);
  return value;
}

function action(value: unknown, field: string): BreakerAction {
  if (value !== TradingState.REDUCING && value !== TradingState.HALTED) {
    throw new ModelError(field, `${describe(value)} is not REDUCING or HALTED`);
  }
  return value;
}

/** Checks a RiskConfig built in code; the constructor of the RiskEngine refuses a bad one with the field named. */
export function validateRiskConfig(config: RiskConfig, field = 'config'): void {
  if (config === null || typeof config !== 'object')
    throw new ModelError(field, `expected a risk config, got ${describe(config)}`);
  TraderId(config.traderId, `${field}.traderId`);
  if (config.global !== undefined) validateLimits(config.global, `${field}.global`, 'global');
  for (const [id, l] of Object.entries(config.accounts ?? {}))
    validateLimits(l, `${field}.accounts.${id}`, 'account');
  for (const [id, l] of Object.entries(config.bots ?? {})) validateLimits(l, `${field}.bots.${id}`, 'bot');
  if (config.whitelist !== undefined) {
    if (
      !Array.isArray(config.whitelist) ||
      config.whitelist.some((s) => typeof s !== 'string' || s.length === 0)
    ) {
      throw new ModelError(`${field}.whitelist`, 'expected a list of instrument ids or symbols');
    }
  }
  const collar = config.collarPct;
  if (collar !== undefined && collar !== null && (!(collar instanceof Decimal) || collar.isNegative())) {
    throw new ModelError(
      `${field}.collarPct`,
      `expected a non-negative Decimal or null, got ${describe(collar)}`,
    );
  }
  if (config.instrumentSubmitRate !== undefined)
    checkRate(config.instrumentSubmitRate, `${field}.instrumentSubmitRate`);
  if (config.cancelOnHalt !== undefined && typeof config.cancelOnHalt !== 'boolean') {
    throw new ModelError(
      `${field}.cancelOnHalt`,
      `expected true or false, got ${describe(config.cancelOnHalt)}`,
    );
  }
  for (const [id, t] of Object.entries(config.accountTypes ?? {})) {
    if (t !== AccountType.CASH && t !== AccountType.MARGIN) {
      throw new ModelError(`${field}.accountTypes.${id}`, `${describe(t)} is not CASH or MARGIN`);
    }
  }
  if (config.tradingDayOffsetMinutes !== undefined) {
    const m = config.tradingDayOffsetMinutes;
    if (!Number.isSafeInteger(m) || m <= -1440 || m >= 1440) {
      throw new ModelError(
        `${field}.tradingDayOffsetMinutes`,
        `expected whole minutes in -1439..1439, got ${String(m)}`,
      );
    }
  }
  if (config.dedupeCapacity !== undefined) checkInt(config.dedupeCapacity, `${field}.dedupeCapacity`, 1);
  if (
    config.pendingTtlNs !== undefined &&
    (typeof config.pendingTtlNs !== 'bigint' || config.pendingTtlNs <= 0n)
  ) {
    throw new ModelError(
      `${field}.pendingTtlNs`,
      `expected a positive bigint of nanoseconds, got ${describe(config.pendingTtlNs)}`,
    );
  }
}
