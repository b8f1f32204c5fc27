import { ModelError } from '@qubit/model';
import type { IdGenerator } from '../ids/id-generator.js';

/** The counter of an IdGenerator id (`<prefix>-<base 36>`), or undefined for an id of another prefix or shape. */
export function idCounter(id: string, prefix: string): number | undefined {
  if (id.length <= prefix.length + 1 || !id.startsWith(prefix) || id.charCodeAt(prefix.length) !== 45) {
    return undefined;
  }
  const digits = id.slice(prefix.length + 1);
  if (!/^[0-9a-z]{1,10}$/.test(digits)) return undefined;
  const n = parseInt(digits, 36);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The prefix of an IdGenerator id: everything before its last '-'. */
export function idPrefix(id: string): string | undefined {
  const at = id.lastIndexOf('-');
  return at > 0 ? id.slice(0, at) : undefined;
}

/**
 * Draws ids from `ids` until it has issued the one with counter `last`, so that its next id is the one
 * after: how a generator restarted with a prefix used before continues instead of issuing ids again.
 * The IdGenerator offers no way to set its counter, so the ids are drawn (a million take well under a
 * second). A generator already past `last` is left as it is (its next id is still new). Throws a
 * ModelError naming `field` when the generator's ids do not have `prefix`.
 */
export function advanceIdsTo(ids: IdGenerator, prefix: string, last: number, field: string): void {
  if (last < 0) return;
  for (;;) {
    const id = ids.id();
    const n = idCounter(id, prefix);
    if (n === undefined) {
      throw new ModelError(field, `the IdGenerator makes ids such as "${id}", not ids of prefix "${prefix}"`);
    }
    if (n >= last) return;
  }
}
