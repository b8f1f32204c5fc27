import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { backupFileName, parseBackupFileName, type BackupEngine } from './backup-file-name.js';
import { backupStore, type BackupOptions, type BackupResult } from './backup-store.js';
import { DEFAULT_RETENTION, selectBackupsToDelete, type RetentionPolicy } from './retention.js';
import { pathExists } from './path-exists.js';
import { locationEngine, type StoreLocation } from './store-location.js';
import type { SqlClient } from '../sql-client.js';
import { StoreError } from '../store-error.js';

/** Calls `run` once after `delayMs`; `cancel` prevents a call not yet made. */
export type ScheduleTimer = (run: () => void, delayMs: number) => { cancel(): void };

/** setTimeout as a ScheduleTimer, for production. */
export const realTimer: ScheduleTimer = (run, delayMs) => {
  const handle = setTimeout(run, delayMs);
  return { cancel: () => clearTimeout(handle) };
};

export interface BackupSchedulerOptions {
  readonly store: StoreLocation;
  /** The store's open client when the platform holds it (required for PGlite, which allows one handle). */
  readonly live?: SqlClient;
  /** Where backups are written and where retention looks (only names backupFileName writes are touched). */
  readonly directory: string;
  /** The wall clock (injected so tests can run a year of schedule in memory). */
  readonly clock: () => Date;
  readonly timer: ScheduleTimer;
  /** UTC time of day of the daily backup, "HH:MM" (default "02:00"). */
  readonly at?: string;
  readonly policy?: RetentionPolicy;
  /** Told of every failed run; the schedule goes on. */
  readonly onError: (error: Error) => void;
  /** Told of every successful run. */
  readonly onBackup?: (report: ScheduledBackup) => void;
  /** Takes one backup (default backupStore). */
  readonly backup?: (o: BackupOptions) => Promise<BackupResult>;
}

export interface ScheduledBackup {
  readonly backup: BackupResult;
  /** Backups retention removed after this one was taken (full paths). */
  readonly deleted: readonly string[];
}

const DAY_MS = 86_400_000;

/**
 * Takes a backup every day at a fixed UTC time into a directory, named
 * `qubit-<engine>-<YYYYMMDDTHHMMSSZ>.<dump|tar.gz>`, then applies the retention policy to that engine's
 * backups there. Old backups are pruned only after a new one succeeded, so a run of failures never
 * eats into the backups that exist. A failed run is reported to `onError` and the next day's still runs.
 */
export class BackupScheduler {
  private readonly engine: BackupEngine;
  private readonly atMs: number;
  private readonly policy: RetentionPolicy;
  private readonly backup: (o: BackupOptions) => Promise<BackupResult>;
  private pending: { cancel(): void } | undefined;
  private nextAt: Date | undefined;
  private running: Promise<void> | undefined;
  private started = false;

  constructor(private readonly o: BackupSchedulerOptions) {
    this.engine = locationEngine(o.store, 'BackupScheduler.store');
    if (typeof o.directory !== 'string' || o.directory.trim() === '') {
      throw new StoreError('BackupScheduler.directory', 'must be a directory path');
    }
    this.atMs = parseTimeOfDay(o.at ?? '02:00');
    this.policy = o.policy ?? DEFAULT_RETENTION;
    // Checked now rather than at 02:00 tomorrow.
    selectBackupsToDelete([], new Date(0), this.policy);
    this.backup = o.backup ?? backupStore;
  }

  /** Arms the timer for the next daily time (today's, if it is still ahead). */
  start(): void {
    if (this.started) throw new StoreError('BackupScheduler', 'already started');
    this.started = true;
    this.arm(nextSlot(this.o.clock().getTime(), this.atMs));
  }

  /** Disarms the timer and waits for a backup in progress to finish. */
  async stop(): Promise<void> {
    this.started = false;
    this.pending?.cancel();
    this.pending = undefined;
    this.nextAt = undefined;
    await this.running;
  }

  /** When the next backup is due; undefined when stopped. */
  get nextRunAt(): Date | undefined {
    return this.nextAt;
  }

  /** Takes a backup now and applies retention; throws what went wrong (the timer path reports it instead). */
  async runNow(): Promise<ScheduledBackup> {
    const takenAt = this.o.clock();
    await mkdir(this.o.directory, { recursive: true });
    const file = join(this.o.directory, backupFileName(this.engine, takenAt));
    if (await pathExists(file))
      throw new StoreError('backup', `${file} already exists (two backups in one second)`);
    const result = await this.backup({
      ...this.o.store,
      file,
      ...(this.o.live !== undefined ? { live: this.o.live } : {}),
    });
    const deleted = await this.prune(takenAt);
    return { backup: result, deleted };
  }

  private async prune(now: Date): Promise<string[]> {
    const names = await readdir(this.o.directory);
    const ours = names.flatMap((name) => {
      const parsed = parseBackupFileName(name);
      return parsed && parsed.engine === this.engine ? [{ file: name, takenAt: parsed.takenAt }] : [];
    });
    const deleted: string[] = [];
    const failures: string[] = [];
    for (const b of selectBackupsToDelete(ours, now, this.policy)) {
      const path = join(this.o.directory, b.file);
      try {
        await unlink(path);
        deleted.push(path);
      } catch (err) {
        failures.push(`${path}: ${(err as Error).message}`);
      }
    }
    if (failures.length > 0) throw new StoreError('retention', `could not delete ${failures.join('; ')}`);
    return deleted;
  }

  private arm(at: number): void {
    if (!this.started) return;
    this.nextAt = new Date(at);
    const delay = Math.max(0, at - this.o.clock().getTime());
    this.pending = this.o.timer(() => this.fire(at), delay);
  }

  private fire(slot: number): void {
    this.pending = undefined;
    if (!this.started) return;
    const now = this.o.clock().getTime();
    // Timers may fire early against a wall clock that was adjusted meanwhile: wait out the rest.
    if (now < slot) return this.arm(slot);
    this.running = this.runScheduled(slot);
  }

  private async runScheduled(slot: number): Promise<void> {
    try {
      const report = await this.runNow();
      this.o.onBackup?.(report);
    } catch (err) {
      try {
        this.o.onError(err instanceof Error ? err : new Error(String(err)));
      } catch {
        // A throwing error handler must not stop the schedule: the next run is what matters.
      }
    } finally {
      this.running = undefined;
      // The next slot after both the one just served and now: a run that overran a day skips, never doubles.
      this.arm(nextSlot(Math.max(slot, this.o.clock().getTime()) + 1, this.atMs));
    }
  }
}

/** The first time at or after `fromMs` whose UTC time of day is `atMs`. */
function nextSlot(fromMs: number, atMs: number): number {
  const dayStart = Math.floor(fromMs / DAY_MS) * DAY_MS;
  const today = dayStart + atMs;
  return today >= fromMs ? today : today + DAY_MS;
}

function parseTimeOfDay(text: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(typeof text === 'string' ? text : '');
  if (!m)
    throw new StoreError(
      'BackupScheduler.at',
      `expected a UTC time "HH:MM" such as "02:00", got ${String(text)}`,
    );
  return (Number(m[1]) * 60 + Number(m[2])) * 60_000;
}
