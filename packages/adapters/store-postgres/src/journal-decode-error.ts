/**
 * Thrown by StoreJournal.load when a journal row cannot be read back: the journal is the record a
 * restart rebuilds orders from, so a row is never skipped. `seq` names the row, `cause` the decode error.
 */
export class JournalDecodeError extends Error {
  override readonly name: string = 'JournalDecodeError';
  constructor(
    readonly seq: bigint,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`order_events seq ${seq} does not decode: ${reason}`, options);
  }
}
