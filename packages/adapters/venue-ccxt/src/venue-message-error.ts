/**
 * Thrown by the parsers when a venue message does not have the shape the venue documents: names the venue,
 * the kind of message, the field (a dotted path inside the message) and the value found, so an operator can
 * find the message in a capture. The feed counts it in `rejected` and goes on; it never ends a feed.
 */
export class VenueMessageError extends Error {
  override readonly name = 'VenueMessageError';
  constructor(
    readonly venue: string,
    readonly kind: string,
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${venue} ${kind}: ${field} ${reason}, got ${show(value)}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? value.slice(0, 80) + '…' : value);
  try {
    const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    return text.length > 80 ? text.slice(0, 80) + '…' : text;
  } catch {
    return String(value);
  }
}
