/**
 * The two roots of venue errors (ARCHITECTURE.md §6, as in ccxt). Which one a failure is tells the caller
 * whether asking again can help: a NetworkError may be retried with backoff (except a SubmitOrder, see
 * docs/venue-sim.md), an ExchangeError never, since the venue understood the request and refused it.
 */

/** What a failure was about: the client verb and, when there is one, the order or account it concerned. */
export interface VenueErrorContext {
  /** The venue's name, e.g. "BINANCE". */
  readonly venue: string;
  /** The client verb that failed: "submitOrder", "fetchOpenOrders", "stream"… */
  readonly operation: string;
  /** The ClientOrderId or AccountId the call was about, when it had one. */
  readonly subject?: string;
}

function prefix(c: VenueErrorContext): string {
  return `${c.venue} ${c.operation}${c.subject !== undefined ? ` ${c.subject}` : ''}`;
}

/**
 * Thrown (or reported) when the venue could not be reached or did not answer in time, or answered with a
 * server error (HTTP 5xx): the request may or may not have taken effect.
 */
export class NetworkError extends Error {
  override readonly name: string = 'NetworkError';
  readonly venue: string;
  readonly operation: string;
  readonly subject: string | undefined;
  /** The HTTP status of a server error, when the venue answered at all. */
  readonly status: number | undefined;
  /** True when no answer came within the request timeout. */
  readonly timedOut: boolean;

  constructor(
    context: VenueErrorContext,
    readonly reason: string,
    options: { status?: number; timedOut?: boolean; cause?: unknown } = {},
  ) {
    super(`${prefix(context)}: ${reason}`, options.cause !== undefined ? { cause: options.cause } : {});
    this.venue = context.venue;
    this.operation = context.operation;
    this.subject = context.subject;
    this.status = options.status;
    this.timedOut = options.timedOut ?? false;
  }
}

/**
 * Thrown (or reported) when the venue answered and refused: a malformed request (400), a SubmitOrder
 * whose ClientOrderId it already has (409), an unknown route (404), or an answer the client cannot read.
 */
export class ExchangeError extends Error {
  override readonly name: string = 'ExchangeError';
  readonly venue: string;
  readonly operation: string;
  readonly subject: string | undefined;

  constructor(
    context: VenueErrorContext,
    /** The HTTP status, or undefined for a refusal that came on the stream or a response that did not decode. */
    readonly status: number | undefined,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${prefix(context)}: ${reason}`, options.cause !== undefined ? { cause: options.cause } : {});
    this.venue = context.venue;
    this.operation = context.operation;
    this.subject = context.subject;
  }
}
