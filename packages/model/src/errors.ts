/**
 * Thrown when a value handed to the model is malformed. `field` names the offending field
 * (a dotted path such as `payload.quantity`) so that the caller can say exactly what was wrong.
 */
export class ModelError extends Error {
  override readonly name: string = 'ModelError';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}
