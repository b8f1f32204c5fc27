import { NANOS_PER_DAY, NANOS_PER_MILLI, type Instrument, type UnixNanos } from '@qubit/model';

const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;

/**
 * When a DAY order expires: at the end of the instrument's last session of the trading day (in the
 * schedule's time zone; 14:45 Vietnam time for VN30F1M), or at the next 00:00 UTC for an instrument
 * that trades around the clock. An order placed after the day's last session (possible only when
 * sessions are not enforced) lives until the end of the next trading day.
 */
export class DayEndCalendar {
  private readonly cache = new Map<string, { from: UnixNanos; end: UnixNanos }>();
  private readonly offsets = new Map<string, number>();
  private readonly formatters = new Map<string, Intl.DateTimeFormat>();

  dayEnd(instrument: Instrument, ts: UnixNanos): UnixNanos {
    // The first end after `from` is also the first end after any later ts before it.
    const hit = this.cache.get(instrument.id);
    if (hit && ts >= hit.from && ts < hit.end) return hit.end;
    const end = this.compute(instrument, ts);
    this.cache.set(instrument.id, { from: ts, end });
    return end;
  }

  private compute(instrument: Instrument, ts: UnixNanos): UnixNanos {
    const schedule = instrument.schedule;
    if (!schedule || schedule.sessions.length === 0) return (ts / NANOS_PER_DAY + 1n) * NANOS_PER_DAY;
    let lastEndMin = 0;
    for (const s of schedule.sessions) lastEndMin = Math.max(lastEndMin, minutesOf(s.end));
    const tsMs = Number(ts / NANOS_PER_MILLI);
    const localMidnight =
      Math.floor((tsMs + this.offsetMs(schedule.timeZone, tsMs)) / MS_PER_DAY) * MS_PER_DAY;
    for (let d = 0; d <= 7; d++) {
      const midnight = localMidnight + d * MS_PER_DAY;
      const day = new Date(midnight).getUTCDay();
      if (!schedule.weekdays.includes(day === 0 ? 7 : day)) continue;
      const endLocal = midnight + lastEndMin * 60_000;
      // The offset at the end itself, so that a DST change between now and then is honoured.
      const guess =
        endLocal - this.offsetMs(schedule.timeZone, endLocal - this.offsetMs(schedule.timeZone, tsMs));
      const endUtc = endLocal - this.offsetMs(schedule.timeZone, guess);
      if (endUtc > tsMs) return BigInt(endUtc) * NANOS_PER_MILLI;
    }
    // A schedule with no weekday at all never trades: the order lives for one UTC day.
    return (ts / NANOS_PER_DAY + 1n) * NANOS_PER_DAY;
  }

  /** Local minus UTC in ms for a zone at an instant; cached per UTC hour since offsets change rarely. */
  private offsetMs(timeZone: string, utcMs: number): number {
    const hour = Math.floor(utcMs / MS_PER_HOUR);
    const key = `${timeZone}|${hour}`;
    const hit = this.offsets.get(key);
    if (hit !== undefined) return hit;
    let f = this.formatters.get(timeZone);
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
      this.formatters.set(timeZone, f);
    }
    const at = hour * MS_PER_HOUR;
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(new Date(at)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
    if (this.offsets.size > 10_000) this.offsets.clear();
    this.offsets.set(key, offset);
    return offset;
  }
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}
