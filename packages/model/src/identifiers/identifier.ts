import { ModelError } from '../errors.js';
import { describe } from '../numbers/decimal.js';

/** A string that has been checked to be a valid identifier of kind `K`. */
export type Identifier<K extends string> = string & { readonly __kind: K };

/** Builds the checking constructor shared by every identifier type. */
export function identifierFactory<K extends string>(
  kind: K,
  pattern: RegExp,
  maxLength: number,
  rule: string,
): (value: unknown, field?: string) => Identifier<K> {
  return (value: unknown, field: string = kind) => {
    if (typeof value !== 'string')
      throw new ModelError(field, `${kind} must be a string, got ${describe(value)}`);
    if (value.length === 0 || value.length > maxLength || !pattern.test(value)) {
      throw new ModelError(field, `"${value}" is not a valid ${kind}: ${rule}`);
    }
    return value as Identifier<K>;
  };
}
