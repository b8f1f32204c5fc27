const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
const NANOS_PER_MS = 1_000_000n;

/** Wall-clock reading of an instant in one time zone. */
export interface LocalTime {
  /** Calendar day, "YYYY-MM-DD". */
  readonly day: string;
  /** Minutes since local midnight, in [0, 1440); fractional for an instant between whole minutes. */
  readonly minute: number;
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly weekday: number;
}

/** Whether Intl knows the zone; an unknown one would otherwise surface as a RangeError mid-run. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** "HH:MM" → minutes since midnight. */
export function minuteOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Converts UTC instants (nanoseconds, from bar timestamps — never the wall clock) to local time in a fixed
 * IANA zone. The zone's offset is looked up through Intl once per UTC hour and cached: offsets change at
 * most a few times a year, and Intl's formatting is far too slow to run on every bar.
 */
export class LocalClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  at(ts: bigint): LocalTime {
    const ms = Number(ts / NANOS_PER_MS);
    const localMs = ms + this.offsetMs(Math.floor(ms / MS_PER_HOUR));
    const local = new Date(localMs);
    const weekday = local.getUTCDay();
    return {
      day: local.toISOString().slice(0, 10),
      minute: (((localMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_MINUTE,
      weekday: weekday === 0 ? 7 : weekday,
    };
  }

  private offsetMs(utcHour: number): number {
    const hit = this.offsets.get(utcHour);
    if (hit !== undefined) return hit;
    const at = utcHour * MS_PER_HOUR;
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(at)))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
    if (this.offsets.size > 10_000) this.offsets.clear();
    this.offsets.set(utcHour, offset);
    return offset;
  }
}
