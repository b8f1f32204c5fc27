import { ModelError } from '@qubit/model';

const MS_PER_DAY = 86_400_000;
const BUCKET_MS = 1_800_000;

/**
 * How wall-clock times written without an offset map to UTC. A fixed offset ("+07:00", "UTC") or an IANA
 * zone ("Asia/Ho_Chi_Minh", "Europe/Berlin", with its daylight-saving rules, read through Intl).
 */
export interface TimeZoneRule {
  readonly name: string;
  /**
   * `localMs` is the wall-clock time encoded as if it were UTC (Date.UTC of its fields). Returns the UTC
   * instant, or undefined when that wall-clock time does not exist (skipped by a daylight-saving jump).
   * A time that occurs twice (clocks set back) resolves to its first occurrence.
   */
  localToUtcMs(localMs: number): number | undefined;
}

export function resolveTimeZone(name: string, field = 'timeZone'): TimeZoneRule {
  if (typeof name !== 'string' || name.trim() === '')
    throw new ModelError(field, 'must be a zone name such as UTC or Asia/Ho_Chi_Minh');
  const fixed = parseFixedOffset(name.trim());
  if (fixed !== undefined) return { name, localToUtcMs: (localMs) => localMs - fixed };
  return new IanaZone(name, field);
}

/** "UTC", "Z", "GMT", "+07:00", "-0500", "UTC+7" → offset in ms; undefined when not a fixed offset. */
export function parseFixedOffset(text: string): number | undefined {
  if (text === 'UTC' || text === 'Z' || text === 'GMT') return 0;
  const m = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(text);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3] ?? '0');
  if (hours > 18 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

class IanaZone implements TimeZoneRule {
  private readonly format: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number | null>();

  constructor(
    readonly name: string,
    field: string,
  ) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new ModelError(
        field,
        `"${name}" is not a known time zone (use an IANA name such as Asia/Ho_Chi_Minh, or +07:00)`,
      );
    }
  }

  localToUtcMs(localMs: number): number | undefined {
    // Zones change offset on whole or half hours of local time, so one answer serves a half-hour bucket.
    const bucket = Math.floor(localMs / BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = this.resolveOffset(bucket * BUCKET_MS);
      this.offsets.set(bucket, offset);
    }
    return offset === null ? undefined : localMs - offset;
  }

  private resolveOffset(localMs: number): number | null {
    // A transition is never closer than a day to another, so the offsets a day before and after are
    // the only candidates; keep those that reproduce the wall-clock time, and the earlier instant.
    const candidates = [this.offsetAt(localMs - MS_PER_DAY), this.offsetAt(localMs + MS_PER_DAY)]
      .map((o) => ({ o, utc: localMs - o }))
      .filter(({ o, utc }) => this.offsetAt(utc) === o)
      .sort((a, b) => a.utc - b.utc);
    return candidates[0]?.o ?? null;
  }

  private offsetAt(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.format.formatToParts(new Date(utcMs))) {
      if (p.type !== 'literal') parts[p.type] = Number(p.value);
    }
    const local = Date.UTC(
      parts.year!,
      parts.month! - 1,
      parts.day!,
      parts.hour!,
      parts.minute!,
      parts.second!,
    );
    // Intl works in whole seconds; drop the milliseconds of the probe.
    return local - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  }
}
