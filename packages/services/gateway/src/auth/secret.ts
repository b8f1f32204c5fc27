import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A credential in memory (a token, a one-time password). Reading it takes an explicit `reveal()`, so
 * that JSON.stringify, string templates, console.log and util.inspect of anything holding it print
 * `[redacted]` instead: a secret reaches a log only when someone writes `reveal()` next to the log call.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
