import { ModelError } from '../errors.js';
import type { OrderType } from '../enums/order-type.js';
import { NANOS_PER_MILLI, type UnixNanos } from '../time.js';

/** The phases a venue's day is split into; auctions match once at their end instead of continuously. */
export const SessionPhase = {
  OPENING_AUCTION: 'OPENING_AUCTION',
  CONTINUOUS: 'CONTINUOUS',
  CLOSING_AUCTION: 'CLOSING_AUCTION',
} as const;
export type SessionPhase = (typeof SessionPhase)[keyof typeof SessionPhase];

export interface TradingSession {
  /** Venue name of the session, e.g. "ATO", "CONTINUOUS_AM", "ATC". */
  readonly name: string;
  readonly phase: SessionPhase;
  /** Local wall time "HH:MM", inclusive. */
  readonly start: string;
  /** Local wall time "HH:MM", exclusive. */
  readonly end: string;
  /** Order types the venue takes in this session; absent means all. */
  readonly orderTypes?: readonly OrderType[];
}

export interface TradingSchedule {
  /** IANA time zone the session times are written in, e.g. "Asia/Ho_Chi_Minh". */
  readonly timeZone: string;
  /** ISO weekdays the venue trades (1 = Monday … 7 = Sunday). */
  readonly weekdays: readonly number[];
  readonly sessions: readonly TradingSession[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function validateSchedule(s: TradingSchedule, field = 'sessions'): TradingSchedule {
  if (s === null || typeof s !== 'object') throw new ModelError(field, 'expected an object');
  // Without a zone Intl would silently use the host's, so the same config would trade different hours on two machines.
  if (typeof s.timeZone !== 'string' || s.timeZone.length === 0) {
    throw new ModelError(`${field}.timeZone`, 'is required (an IANA time zone such as Asia/Ho_Chi_Minh)');
  }
  if (!Array.isArray(s.sessions)) throw new ModelError(`${field}.sessions`, 'must be a list of sessions');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: s.timeZone });
  } catch {
    throw new ModelError(`${field}.timeZone`, `"${s.timeZone}" is not a known IANA time zone`);
  }
  if (!Array.isArray(s.weekdays) || s.weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new ModelError(`${field}.weekdays`, 'must be ISO weekdays 1 (Monday) .. 7 (Sunday)');
  }
  s.sessions.forEach((x, i) => {
    if (!Object.values(SessionPhase).includes(x.phase)) {
      throw new ModelError(
        `${field}.sessions[${i}].phase`,
        `"${String(x.phase)}" is not one of ${Object.values(SessionPhase).join(', ')}`,
      );
    }
    for (const k of ['start', 'end'] as const) {
      if (!HHMM.test(x[k])) throw new ModelError(`${field}.sessions[${i}].${k}`, `"${x[k]}" is not HH:MM`);
    }
    if (minutesOf(x.start) >= minutesOf(x.end)) {
      throw new ModelError(`${field}.sessions[${i}]`, `start ${x.start} is not before end ${x.end}`);
    }
  });
  return s;
}

/** The session in force at `ts`, or undefined when the venue is closed. */
export function sessionAt(schedule: TradingSchedule, ts: UnixNanos): TradingSession | undefined {
  const { weekday, minuteOfDay } = localTime(schedule.timeZone, ts);
  if (!schedule.weekdays.includes(weekday)) return undefined;
  for (const s of schedule.sessions) {
    if (minuteOfDay >= minutesOf(s.start) && minuteOfDay < minutesOf(s.end)) return s;
  }
  return undefined;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
// Offsets change at most a few times a year; caching them per UTC hour keeps session checks off Intl's slow path.
const offsetCache = new Map<string, number>();
const MS_PER_HOUR = 3_600_000;

/** Local wall time at `ts` in an IANA zone: ISO weekday, minute of the day, and the local day number. */
export function localTime(
  timeZone: string,
  ts: UnixNanos,
): { weekday: number; minuteOfDay: number; day: number } {
  const ms = Number(ts / NANOS_PER_MILLI);
  const hour = Math.floor(ms / MS_PER_HOUR);
  const key = `${timeZone}|${hour}`;
  let offsetMs = offsetCache.get(key);
  if (offsetMs === undefined) {
    offsetMs = zoneOffsetMs(timeZone, hour * MS_PER_HOUR);
    if (offsetCache.size > 10_000) offsetCache.clear();
    offsetCache.set(key, offsetMs);
  }
  const localMs = ms + offsetMs;
  const local = new Date(localMs);
  const day = local.getUTCDay();
  return {
    weekday: day === 0 ? 7 : day,
    minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
    day: Math.floor(localMs / 86_400_000),
  };
}

function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return asUtc - utcMs;
}
