import { describe, expect, it } from 'vitest';
import { selectBackupsToDelete, type BackupEntry } from './retention.js';

const DAY = 86_400_000;

/** One backup a day at `time` UTC from `first` to `last` (inclusive), named by date. */
function daily(first: string, last: string, time = '02:00:00'): BackupEntry[] {
  const out: BackupEntry[] = [];
  for (let t = Date.parse(`${first}T${time}Z`); t <= Date.parse(`${last}T${time}Z`); t += DAY) {
    out.push({ file: `b-${new Date(t).toISOString()}`, takenAt: new Date(t) });
  }
  return out;
}

/** The dates (YYYY-MM-DD) of the backups that survive. */
function survivors(
  backups: BackupEntry[],
  now: string,
  policy?: Parameters<typeof selectBackupsToDelete>[2],
) {
  const deleted = new Set(selectBackupsToDelete(backups, new Date(now), policy));
  return backups.filter((b) => !deleted.has(b)).map((b) => b.takenAt.toISOString().slice(0, 10));
}

function dates(first: string, last: string): string[] {
  return daily(first, last).map((b) => b.takenAt.toISOString().slice(0, 10));
}

describe('selectBackupsToDelete', () => {
  it('keeps, of a year of daily backups, the last 30 days, the last 12 ISO weeks and the last 12 months', () => {
    const year = daily('2024-01-01', '2024-12-31');
    // 2024-12-31 is a Tuesday, in the ISO week that starts on Monday 2024-12-30.
    const kept = survivors(year, '2024-12-31T12:00:00Z');
    // The union of the newest of each month (the last day), of each of the 12 ISO weeks from the one
    // starting 2024-10-14 (its Sunday), and of each of the last 30 days.
    expect(kept).toEqual([
      '2024-01-31',
      '2024-02-29',
      '2024-03-31',
      '2024-04-30',
      '2024-05-31',
      '2024-06-30',
      '2024-07-31',
      '2024-08-31',
      '2024-09-30',
      '2024-10-20',
      '2024-10-27',
      '2024-10-31',
      '2024-11-03',
      '2024-11-10',
      '2024-11-17',
      '2024-11-24',
      '2024-11-30',
      '2024-12-01',
      ...dates('2024-12-02', '2024-12-31'),
    ]);
    expect(kept).toHaveLength(48);
  });

  it('keeps only the newest backup of a day when several were taken', () => {
    const backups = [
      ...daily('2024-06-01', '2024-06-10', '02:00:00'),
      ...daily('2024-06-01', '2024-06-10', '14:30:00'),
      ...daily('2024-06-01', '2024-06-10', '23:59:59'),
    ];
    const deleted = selectBackupsToDelete(backups, new Date('2024-06-10T23:59:59Z'));
    expect(deleted).toHaveLength(20);
    const kept = backups.filter((b) => !deleted.includes(b)).map((b) => b.takenAt.toISOString());
    expect(kept.sort()).toEqual(
      daily('2024-06-01', '2024-06-10', '23:59:59').map((b) => b.takenAt.toISOString()),
    );
  });

  it('counts periods, not backups: after a gap only the newest before it survives, as weekly and monthly', () => {
    // Daily until Sunday 2024-03-10, then nothing until Monday 2024-05-20.
    const backups = [...daily('2024-02-20', '2024-03-10'), ...daily('2024-05-20', '2024-05-20')];
    // Days: only 05-20 is within 30 days. Weeks: the 12th week back starts 2024-03-04, newest 03-10.
    // Months: February's newest (02-29) and March's (03-10).
    expect(survivors(backups, '2024-05-20T03:00:00Z')).toEqual(['2024-02-29', '2024-03-10', '2024-05-20']);
  });

  it('treats the days around New Year by the ISO week they belong to', () => {
    // 2020-12-28 (Mon) … 2021-01-03 (Sun) is ISO week 53 of 2020: one week across two years and months.
    const backups = daily('2020-12-28', '2021-01-03');
    const policy = { daily: 0, weekly: 1, monthly: 0 };
    expect(survivors(backups, '2021-01-03T12:00:00Z', policy)).toEqual(['2021-01-03']);
    const months = { daily: 0, weekly: 0, monthly: 2 };
    expect(survivors(backups, '2021-01-03T12:00:00Z', months)).toEqual(['2020-12-31', '2021-01-03']);
  });

  it('deletes everything outside the windows, so old backups do not pile up', () => {
    const old = daily('2020-01-01', '2020-12-31');
    expect(selectBackupsToDelete(old, new Date('2024-12-31T12:00:00Z'))).toHaveLength(old.length);
  });

  it('keeps a backup dated after now rather than judge it by a clock that went back', () => {
    const backups = daily('2024-01-01', '2024-01-05');
    expect(
      selectBackupsToDelete(backups, new Date('2024-01-03T00:00:00Z'), {
        daily: 2,
        weekly: 0,
        monthly: 0,
      }).map((b) => b.file),
    ).toEqual(['b-2024-01-01T02:00:00.000Z']);
  });

  it('chooses the same survivor whatever the order of the list', () => {
    const backups = daily('2024-03-01', '2024-04-30');
    const now = new Date('2024-04-30T12:00:00Z');
    const forward = selectBackupsToDelete(backups, now)
      .map((b) => b.file)
      .sort();
    const backward = selectBackupsToDelete([...backups].reverse(), now)
      .map((b) => b.file)
      .sort();
    expect(backward).toEqual(forward);
  });

  it('refuses an invalid date, a duplicate file or a bad policy, naming it', () => {
    const ok = daily('2024-01-01', '2024-01-02');
    expect(() => selectBackupsToDelete(ok, new Date('nope'))).toThrow(
      'now: expected a valid Date, got an invalid Date',
    );
    expect(() => selectBackupsToDelete([...ok, { file: 'x', takenAt: new Date(NaN) }], new Date())).toThrow(
      'backups[2].takenAt (x): expected a valid Date, got an invalid Date',
    );
    expect(() => selectBackupsToDelete([...ok, ok[0]!], new Date())).toThrow(
      'backups[2].file: "b-2024-01-01T02:00:00.000Z" is listed twice',
    );
    expect(() => selectBackupsToDelete(ok, new Date(), { daily: -1, weekly: 12, monthly: 12 })).toThrow(
      'policy.daily: expected a non-negative integer, got -1',
    );
    expect(() => selectBackupsToDelete(ok, new Date(), { daily: 30, weekly: 1.5, monthly: 12 })).toThrow(
      'policy.weekly: expected a non-negative integer, got 1.5',
    );
  });
});
