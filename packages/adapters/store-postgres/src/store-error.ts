/**
 * Thrown when the store is handed something it cannot keep (a malformed id, a missing key, an unknown
 * row) or asked for something it cannot do. `field` names what was wrong, as the model's ModelError does,
 * and nothing has been written when it is thrown.
 */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}
