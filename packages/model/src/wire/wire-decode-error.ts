import { ModelError } from '../errors.js';

/**
 * Thrown when a message from another process cannot be decoded. Besides the offending `field`
 * (a path such as `payload.deltas[3].price`) it carries the envelope's `type`, when one could be read,
 * so a consumer can route the message to the dead-letter topic with a reason that says exactly what
 * was wrong and go on.
 */
export class WireDecodeError extends ModelError {
  constructor(
    readonly type: string | undefined,
    field: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(field, reason);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}
