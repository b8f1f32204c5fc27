import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupScheduler, type ScheduleTimer, type ScheduledBackup } from './backup-scheduler.js';
import type { BackupOptions, BackupResult } from './backup-store.js';
import { restoreStore } from './restore-store.js';
import { openStore } from '../store.js';

const DAY = 86_400_000;

/** A clock the test moves and a timer the test fires. */
class FakeTime {
  now: number;
  armed: { run: () => void; delay: number; at: number; cancelled: boolean }[] = [];
  constructor(iso: string) {
    this.now = Date.parse(iso);
  }
  clock = (): Date => new Date(this.now);
  timer: ScheduleTimer = (run, delay) => {
    const t = { run, delay, at: this.now + delay, cancelled: false };
    this.armed.push(t);
    return { cancel: () => void (t.cancelled = true) };
  };
  /** The one live timer. */
  get live() {
    const live = this.armed.filter((t) => !t.cancelled);
    expect(live).toHaveLength(1);
    return live[0]!;
  }
  /** Moves the clock to the live timer's time, fires it, and waits until the scheduler armed the next. */
  async fireNext(lateByMs = 0): Promise<void> {
    const t = this.live;
    this.armed = [];
    this.now = t.at + lateByMs;
    t.run();
    const until = Date.now() + 5_000;
    while (this.armed.filter((x) => !x.cancelled).length === 0) {
      if (Date.now() > until) throw new Error('the scheduler armed no next timer');
      await new Promise((r) => setTimeout(r, 1));
    }
  }
}

/** Stands in for backupStore: writes a small file under the given name, or fails when told to. */
function fakeBackup(calls: string[], failOn = new Set<number>()) {
  return async (o: BackupOptions): Promise<BackupResult> => {
    calls.push(basename(o.file));
    if (failOn.has(calls.length)) throw new Error(`disk full on run ${calls.length}`);
    writeFileSync(o.file, 'dump');
    return { file: o.file, bytes: 4, engine: 'pglite' };
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qubit-sched-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('BackupScheduler', () => {
  it('backs up daily at 02:00 UTC into files named by engine and time', async () => {
    const time = new FakeTime('2024-01-01T10:00:00Z');
    const calls: string[] = [];
    const reports: ScheduledBackup[] = [];
    const s = new BackupScheduler({
      store: { dataDir: '/data' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      onError: (e) => {
        throw e;
      },
      onBackup: (r) => reports.push(r),
      backup: fakeBackup(calls),
    });
    s.start();
    expect(s.nextRunAt).toEqual(new Date('2024-01-02T02:00:00Z'));
    expect(time.live.delay).toBe(16 * 3_600_000);
    await time.fireNext();
    await time.fireNext(1_500);
    expect(calls).toEqual(['qubit-pglite-20240102T020000Z.tar.gz', 'qubit-pglite-20240103T020001Z.tar.gz']);
    expect(reports.map((r) => r.backup.file)).toEqual(calls.map((c) => join(dir, c)));
    expect(s.nextRunAt).toEqual(new Date('2024-01-04T02:00:00Z'));
    await s.stop();
    expect(time.armed.every((t) => t.cancelled)).toBe(true);
  });

  it('runs today when started before the time of day, at the configured time', async () => {
    const time = new FakeTime('2024-01-01T05:59:00Z');
    const s = new BackupScheduler({
      store: { url: 'postgres://u@h/db' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      at: '06:00',
      onError: () => undefined,
    });
    s.start();
    expect(s.nextRunAt).toEqual(new Date('2024-01-01T06:00:00Z'));
    expect(time.live.delay).toBe(60_000);
    await s.stop();
  });

  it("applies retention after each backup, to its own engine's backups only", async () => {
    const time = new FakeTime('2024-01-01T03:00:00Z');
    const calls: string[] = [];
    // Files retention must never touch: the other engine's, a crash's partial, someone's notes.
    const foreign = [
      'qubit-postgres-20231201T020000Z.dump',
      'qubit-pglite-20231201T020000Z.tar.gz.partial',
      'notes.txt',
    ];
    for (const f of foreign) writeFileSync(join(dir, f), 'x');
    const s = new BackupScheduler({
      store: { dataDir: '/data' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      policy: { daily: 3, weekly: 2, monthly: 1 },
      onError: (e) => {
        throw e;
      },
      backup: fakeBackup(calls),
    });
    s.start();
    for (let day = 0; day < 20; day++) await time.fireNext();
    await s.stop();
    // Last run 2024-01-21 (a Sunday). Days: 19, 20, 21. Weeks: 15-21 and 8-14 (newest 14). Month: 21.
    expect(readdirSync(dir).sort()).toEqual(
      [
        ...foreign,
        'qubit-pglite-20240114T020000Z.tar.gz',
        'qubit-pglite-20240119T020000Z.tar.gz',
        'qubit-pglite-20240120T020000Z.tar.gz',
        'qubit-pglite-20240121T020000Z.tar.gz',
      ].sort(),
    );
  });

  it('reports a failed backup, prunes nothing after it, and goes on the next day', async () => {
    const time = new FakeTime('2024-01-01T03:00:00Z');
    const calls: string[] = [];
    const errors: string[] = [];
    const s = new BackupScheduler({
      store: { dataDir: '/data' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      policy: { daily: 1, weekly: 0, monthly: 0 },
      onError: (e) => errors.push(e.message),
      backup: fakeBackup(calls, new Set([2])),
    });
    s.start();
    await time.fireNext(); // 01-02: ok
    await time.fireNext(); // 01-03: fails, the 01-02 backup must stay
    expect(errors).toEqual(['disk full on run 2']);
    expect(readdirSync(dir)).toEqual(['qubit-pglite-20240102T020000Z.tar.gz']);
    await time.fireNext(); // 01-04: ok, and now 01-02 goes
    expect(readdirSync(dir)).toEqual(['qubit-pglite-20240104T020000Z.tar.gz']);
    expect(s.nextRunAt).toEqual(new Date('2024-01-05T02:00:00Z'));
    await s.stop();
  });

  it('waits out a timer that fired before its time', async () => {
    const time = new FakeTime('2024-01-01T03:00:00Z');
    const calls: string[] = [];
    const s = new BackupScheduler({
      store: { dataDir: '/data' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      onError: () => undefined,
      backup: fakeBackup(calls),
    });
    s.start();
    await time.fireNext(-5_000);
    expect(calls).toEqual([]);
    expect(time.live.delay).toBe(5_000);
    await time.fireNext();
    expect(calls).toEqual(['qubit-pglite-20240102T020000Z.tar.gz']);
    await s.stop();
  });

  it('skips the slots a long backup overran instead of running twice', async () => {
    const time = new FakeTime('2024-01-01T03:00:00Z');
    const calls: string[] = [];
    const s = new BackupScheduler({
      store: { dataDir: '/data' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      onError: () => undefined,
      backup: async (o) => {
        // The backup takes a day and a half.
        time.now += DAY + DAY / 2;
        return fakeBackup(calls)(o);
      },
    });
    s.start();
    await time.fireNext();
    expect(s.nextRunAt).toEqual(new Date('2024-01-04T02:00:00Z'));
    await s.stop();
  });

  it("takes a running platform's PGlite backup through its open client", async () => {
    const store = await openStore({ dataDir: join(dir, 'pglite') });
    try {
      await store.audit.append({ actor: 'ops', action: 'bot.start', target: 'sma-1' });
      const time = new FakeTime('2026-03-01T12:00:00Z');
      const scheduler = new BackupScheduler({
        store: { dataDir: join(dir, 'pglite') },
        live: store.sql,
        directory: join(dir, 'backups'),
        clock: time.clock,
        timer: time.timer,
        onError: (e) => {
          throw e;
        },
      });
      const r = await scheduler.runNow();
      expect(r.backup.engine).toBe('pglite');
      // The platform's handle is still the one open on the directory, and it still writes.
      await store.audit.append({ actor: 'ops', action: 'bot.stop', target: 'sma-1' });
      const restored = join(dir, 'restored');
      await restoreStore({ dataDir: restored, file: r.backup.file });
      const copy = await openStore({ dataDir: restored });
      try {
        const rows = await copy.sql.query<{ action: string }>('select action from audit_log order by seq');
        expect(rows.map((x) => x.action)).toEqual(['bot.start']);
      } finally {
        await copy.close();
      }
    } finally {
      await store.close();
    }
  });

  it('refuses a bad time of day, store or policy when built, naming it', () => {
    const time = new FakeTime('2024-01-01T00:00:00Z');
    const base = {
      store: { dataDir: '/d' },
      directory: dir,
      clock: time.clock,
      timer: time.timer,
      onError: () => undefined,
    };
    expect(() => new BackupScheduler({ ...base, at: '2:00' })).toThrow(
      'BackupScheduler.at: expected a UTC time "HH:MM" such as "02:00", got 2:00',
    );
    expect(() => new BackupScheduler({ ...base, at: '24:00' })).toThrow('BackupScheduler.at');
    expect(() => new BackupScheduler({ ...base, store: {} })).toThrow(
      'BackupScheduler.store: give a PostgreSQL url or a PGlite dataDir',
    );
    expect(() => new BackupScheduler({ ...base, policy: { daily: 1, weekly: -1, monthly: 1 } })).toThrow(
      'policy.weekly: expected a non-negative integer, got -1',
    );
    expect(() => new BackupScheduler({ ...base, directory: '' })).toThrow('BackupScheduler.directory');
  });
});
