import {
  AuditLogRepository,
  ReconciliationsRepository,
  type Store,
  type StoredReconciliation,
} from '@qubit/store-postgres';

/** The audit action of an operator's acceptance. */
export const RECONCILIATION_ACCEPT = 'reconciliation.accept';

/**
 * An operator accepts a reconciliation that did not agree: the record becomes accepted and the audit log
 * says who accepted which, in one transaction, so there is never an acceptance nobody can account for.
 * The store refuses an unknown id, an ok one, one accepted already and an empty operator (a StoreError
 * naming the field), and then nothing is written.
 */
export async function acceptReconciliation(
  store: Store,
  id: number,
  operator: string,
): Promise<StoredReconciliation> {
  return store.sql.transaction(async (tx) => {
    const accepted = await new ReconciliationsRepository(tx).accept(id, operator);
    await new AuditLogRepository(tx).append({
      actor: operator,
      action: RECONCILIATION_ACCEPT,
      target: String(accepted.id),
      details: {
        reconciliation_id: accepted.id,
        venue: accepted.venue,
        account_id: accepted.accountId,
        blocked_bots: [...accepted.blockedBots],
      },
    });
    return accepted;
  });
}
