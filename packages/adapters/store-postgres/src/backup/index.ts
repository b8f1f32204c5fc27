// Backups of the store: consistent dumps, restores into empty stores only, daily schedule and retention.
export { backupFileName, parseBackupFileName, type BackupEngine } from './backup-file-name.js';
export { readBackupKind } from './backup-kind.js';
export {
  BackupScheduler,
  realTimer,
  type BackupSchedulerOptions,
  type ScheduleTimer,
  type ScheduledBackup,
} from './backup-scheduler.js';
export { backupStore, type BackupOptions, type BackupResult } from './backup-store.js';
export { PgToolError } from './pg-client-tool.js';
export { restoreStore, type RestoreOptions, type RestoreResult } from './restore-store.js';
export {
  DEFAULT_RETENTION,
  selectBackupsToDelete,
  type BackupEntry,
  type RetentionPolicy,
} from './retention.js';
export type { StoreLocation } from './store-location.js';
