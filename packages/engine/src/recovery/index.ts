// Recovery after a restart: the journal replayed into a fresh node, then reconciliation with the venue.
export { advanceIdsTo, idCounter, idPrefix } from './advance-ids.js';
export { RecoveryMarks } from './recovery-marks.js';
export type { RestoreSummary } from './restore-summary.js';
export { reconcile, type ReconcileOptions } from './reconcile.js';
export {
  reconciliationReportToJson,
  type MismatchKind,
  type ReconciliationAdoption,
  type ReconciliationMismatch,
  type ReconciliationReport,
} from './reconciliation-report.js';
