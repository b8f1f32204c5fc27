import { StoreError } from '../store-error.js';

/** How many of the most recent UTC days, ISO weeks and months keep their newest backup. */
export interface RetentionPolicy {
  readonly daily: number;
  readonly weekly: number;
  readonly monthly: number;
}

/** Seed 002's policy: 30 days daily, 12 weeks weekly, 12 months monthly. */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({ daily: 30, weekly: 12, monthly: 12 });

export interface BackupEntry {
  readonly file: string;
  readonly takenAt: Date;
}

const DAY_MS = 86_400_000;

/**
 * The backups the policy lets go: a backup survives when it is the newest of its UTC day among the last
 * `daily` days, of its ISO week among the last `weekly` weeks, or of its month among the last `monthly`
 * months (each counted back from `now`, the current period included). Everything else is returned,
 * in the order given. A backup dated after `now` is kept: a clock that jumped back must not make the
 * newest backups look like garbage.
 *
 * Pure: deciding is separate from deleting so the rule can be tested over years of dates in memory.
 */
export function selectBackupsToDelete<B extends BackupEntry>(
  backups: readonly B[],
  now: Date,
  policy: RetentionPolicy = DEFAULT_RETENTION,
): B[] {
  checkDate(now, 'now');
  checkPolicy(policy);
  const files = new Set<string>();
  backups.forEach((b, i) => {
    if (typeof b?.file !== 'string' || b.file.length === 0) {
      throw new StoreError(`backups[${i}].file`, `expected a non-empty file name, got ${String(b?.file)}`);
    }
    checkDate(b.takenAt, `backups[${i}].takenAt (${b.file})`);
    if (files.has(b.file)) throw new StoreError(`backups[${i}].file`, `"${b.file}" is listed twice`);
    files.add(b.file);
  });

  const nowMs = now.getTime();
  const today = dayNumber(nowMs);
  const thisWeek = isoWeekNumber(nowMs);
  const thisMonth = monthNumber(nowMs);
  // Newest backup per period, for periods inside the window; ties on time go to the later file name so
  // the choice does not depend on the order of the list.
  const keep = new Set<B>();
  const newestPerPeriod = (window: number, period: (ms: number) => number, current: number): void => {
    const newest = new Map<number, B>();
    for (const b of backups) {
      const ms = b.takenAt.getTime();
      if (ms > nowMs) continue;
      const p = period(ms);
      if (current - p >= window) continue;
      const best = newest.get(p);
      if (!best || isNewer(b, best)) newest.set(p, b);
    }
    for (const b of newest.values()) keep.add(b);
  };
  newestPerPeriod(policy.daily, dayNumber, today);
  newestPerPeriod(policy.weekly, isoWeekNumber, thisWeek);
  newestPerPeriod(policy.monthly, monthNumber, thisMonth);
  return backups.filter((b) => b.takenAt.getTime() <= nowMs && !keep.has(b));
}

function isNewer(a: BackupEntry, b: BackupEntry): boolean {
  const d = a.takenAt.getTime() - b.takenAt.getTime();
  return d > 0 || (d === 0 && a.file > b.file);
}

/** Days since 1970-01-01 UTC. */
function dayNumber(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Weeks since the Monday 1969-12-29 UTC: consecutive ISO weeks get consecutive numbers. */
function isoWeekNumber(ms: number): number {
  // 1970-01-01 was a Thursday, so Monday-based weeks start 3 days earlier.
  return Math.floor((dayNumber(ms) + 3) / 7);
}

/** Months since January 1970 UTC. */
function monthNumber(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}

function checkDate(d: unknown, field: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new StoreError(
      `${field}`,
      `expected a valid Date, got ${d instanceof Date ? 'an invalid Date' : String(d)}`,
    );
  }
}

function checkPolicy(p: RetentionPolicy): void {
  for (const key of ['daily', 'weekly', 'monthly'] as const) {
    const v = p?.[key];
    if (!Number.isInteger(v) || v < 0) {
      throw new StoreError(`policy.${key}`, `expected a non-negative integer, got ${String(v)}`);
    }
  }
}
