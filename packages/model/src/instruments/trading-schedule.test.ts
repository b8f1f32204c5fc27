import { describe, expect, it } from 'vitest';
import { ModelError } from '../errors.js';
import { isoToNanos } from '../time.js';
import { instrumentFromSpec } from './instrument.js';
import { BTCUSDT_BINANCE, BTCUSDT_PERP_BINANCE, VN30F1M_HNX } from './specs.js';
import { SessionPhase, sessionAt, validateSchedule, type TradingSchedule } from './trading-schedule.js';

function modelError(fn: () => unknown): ModelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ModelError) return e;
    throw new Error(`expected a ModelError, got ${String(e)}`);
  }
  throw new Error('expected the call to throw');
}

const vn30 = instrumentFromSpec(VN30F1M_HNX);
const schedule = vn30.schedule as TradingSchedule;

// Vietnam is UTC+7 all year: 09:00 local is 02:00 UTC. 2024-01-03 is a Wednesday.
const local = (date: string, time: string): bigint => isoToNanos(`${date}T${time}+07:00`);

describe('sessionAt for VN30F1M (Asia/Ho_Chi_Minh)', () => {
  it.each([
    ['08:50:00', 'ATO', SessionPhase.OPENING_AUCTION],
    ['08:45:00', 'ATO', SessionPhase.OPENING_AUCTION],
    ['09:00:00', 'CONTINUOUS_AM', SessionPhase.CONTINUOUS],
    ['10:00:00', 'CONTINUOUS_AM', SessionPhase.CONTINUOUS],
    ['11:29:59.999999999', 'CONTINUOUS_AM', SessionPhase.CONTINUOUS],
    ['13:00:00', 'CONTINUOUS_PM', SessionPhase.CONTINUOUS],
    ['14:30:00', 'ATC', SessionPhase.CLOSING_AUCTION],
    ['14:35:00', 'ATC', SessionPhase.CLOSING_AUCTION],
  ])('puts %s local on a Wednesday in %s', (time, name, phase) => {
    const s = sessionAt(schedule, local('2024-01-03', time));
    expect(s?.name).toBe(name);
    expect(s?.phase).toBe(phase);
  });

  it('reads 02:00 UTC as 09:00 local, the start of continuous trading', () => {
    expect(sessionAt(schedule, isoToNanos('2024-01-03T02:00:00Z'))?.name).toBe('CONTINUOUS_AM');
    expect(sessionAt(schedule, isoToNanos('2024-01-03T01:59:59Z'))?.name).toBe('ATO');
  });

  it.each(['08:44:59', '11:30:00', '12:00:00', '12:59:59', '14:45:00', '14:50:00', '20:00:00', '00:30:00'])(
    'is closed at %s local on a Wednesday',
    (time) => {
      expect(sessionAt(schedule, local('2024-01-03', time))).toBeUndefined();
    },
  );

  it.each([
    ['2024-01-06', 'Saturday'],
    ['2024-01-07', 'Sunday'],
  ])('is closed all day on %s (%s)', (date) => {
    for (const time of ['08:50:00', '10:00:00', '14:35:00']) {
      expect(sessionAt(schedule, local(date, time))).toBeUndefined();
    }
  });

  it('uses the local weekday, not the UTC one', () => {
    // Monday 06:30 in Vietnam is still Sunday 23:30 UTC.
    const early: TradingSchedule = {
      timeZone: 'Asia/Ho_Chi_Minh',
      weekdays: [1],
      sessions: [{ name: 'EARLY', phase: 'CONTINUOUS', start: '06:00', end: '07:00' }],
    };
    expect(sessionAt(early, isoToNanos('2024-01-07T23:30:00Z'))?.name).toBe('EARLY');
    expect(sessionAt(early, isoToNanos('2024-01-08T23:30:00Z'))).toBeUndefined();
  });

  it('limits the auctions to limit orders', () => {
    expect(sessionAt(schedule, local('2024-01-03', '08:50:00'))?.orderTypes).toEqual(['LIMIT']);
    expect(sessionAt(schedule, local('2024-01-03', '10:00:00'))?.orderTypes).toBeUndefined();
  });
});

describe('sessionAt across daylight saving time', () => {
  const nyse: TradingSchedule = validateSchedule({
    timeZone: 'America/New_York',
    weekdays: [1, 2, 3, 4, 5],
    sessions: [{ name: 'REGULAR', phase: 'CONTINUOUS', start: '09:30', end: '16:00' }],
  });

  it('follows the offset of the date: 09:30 is 14:30 UTC in winter and 13:30 UTC in summer', () => {
    expect(sessionAt(nyse, isoToNanos('2024-01-08T14:30:00Z'))?.name).toBe('REGULAR');
    expect(sessionAt(nyse, isoToNanos('2024-01-08T14:29:00Z'))).toBeUndefined();
    expect(sessionAt(nyse, isoToNanos('2024-07-01T13:30:00Z'))?.name).toBe('REGULAR');
    expect(sessionAt(nyse, isoToNanos('2024-07-01T13:29:00Z'))).toBeUndefined();
    expect(sessionAt(nyse, isoToNanos('2024-07-01T19:59:00Z'))?.name).toBe('REGULAR');
    expect(sessionAt(nyse, isoToNanos('2024-07-01T20:00:00Z'))).toBeUndefined();
  });

  it('switches on the Monday after the clocks change', () => {
    // Clocks went forward on Sunday 2024-03-10.
    expect(sessionAt(nyse, isoToNanos('2024-03-08T14:30:00Z'))?.name).toBe('REGULAR');
    expect(sessionAt(nyse, isoToNanos('2024-03-11T13:30:00Z'))?.name).toBe('REGULAR');
    expect(sessionAt(nyse, isoToNanos('2024-03-08T13:30:00Z'))).toBeUndefined();
  });
});

describe('instruments without a schedule', () => {
  it('has no schedule for 24/7 crypto instruments', () => {
    expect(instrumentFromSpec(BTCUSDT_BINANCE).schedule).toBeUndefined();
    expect(instrumentFromSpec(BTCUSDT_PERP_BINANCE).schedule).toBeUndefined();
  });
});

describe('validateSchedule', () => {
  const good: TradingSchedule = {
    timeZone: 'UTC',
    weekdays: [1, 2, 3, 4, 5],
    sessions: [{ name: 'DAY', phase: 'CONTINUOUS', start: '09:00', end: '17:00' }],
  };

  it('returns a good schedule as it is', () => {
    expect(validateSchedule(good)).toBe(good);
  });

  it.each([
    [{ timeZone: 'Mars/Olympus' }, 'sessions.timeZone'],
    [{ timeZone: '' }, 'sessions.timeZone'],
    [{ weekdays: [0, 1] }, 'sessions.weekdays'],
    [{ weekdays: [8] }, 'sessions.weekdays'],
    [{ weekdays: [1.5] }, 'sessions.weekdays'],
    [{ weekdays: '12345' }, 'sessions.weekdays'],
    [
      { sessions: [{ name: 'X', phase: 'CONTINUOUS', start: '9:00', end: '17:00' }] },
      'sessions.sessions[0].start',
    ],
    [
      { sessions: [{ name: 'X', phase: 'CONTINUOUS', start: '09:00', end: '24:00' }] },
      'sessions.sessions[0].end',
    ],
    [
      { sessions: [{ name: 'X', phase: 'CONTINUOUS', start: '09:60', end: '10:00' }] },
      'sessions.sessions[0].start',
    ],
    [
      { sessions: [{ name: 'X', phase: 'CONTINUOUS', start: '17:00', end: '09:00' }] },
      'sessions.sessions[0]',
    ],
    [
      { sessions: [{ name: 'X', phase: 'CONTINUOUS', start: '09:00', end: '09:00' }] },
      'sessions.sessions[0]',
    ],
  ])('rejects %j naming %s', (changes, field) => {
    expect(modelError(() => validateSchedule({ ...good, ...changes } as TradingSchedule)).field).toBe(field);
  });

  it('names the field prefix it is given', () => {
    expect(modelError(() => validateSchedule({ ...good, weekdays: [9] }, 'venue.schedule')).field).toBe(
      'venue.schedule.weekdays',
    );
  });

  it('rejects a schedule without a time zone instead of using the host zone', () => {
    const { timeZone: _tz, ...noZone } = good;
    expect(modelError(() => validateSchedule(noZone as TradingSchedule)).field).toBe('sessions.timeZone');
  });

  it('rejects a schedule without sessions naming the field', () => {
    const { sessions: _s, ...noSessions } = good;
    expect(modelError(() => validateSchedule(noSessions as TradingSchedule)).field).toBe('sessions.sessions');
  });

  it('rejects an unknown session phase naming the session', () => {
    const typo = { ...good, sessions: [{ name: 'DAY', phase: 'CONTINOUS', start: '09:00', end: '17:00' }] };
    expect(modelError(() => validateSchedule(typo as TradingSchedule)).field).toBe(
      'sessions.sessions[0].phase',
    );
  });
});
