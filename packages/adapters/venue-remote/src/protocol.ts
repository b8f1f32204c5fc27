import { AccountId, ModelError, wireSchema, type Envelope, type JsonValue } from '@qubit/model';

/**
 * The remote-venue protocol, version 1: JSON over HTTP plus one WebSocket (docs/venue-sim.md). Every
 * command, order event and market datum travels as the model's versioned wire envelope; the answers to
 * queries use the same field names (snake_case), with decimals and nanoseconds as strings.
 */
export const PROTOCOL_PREFIX = '/v1';

export const Routes = {
  /** POST an envelope of SubmitOrder | ModifyOrder | CancelOrder | CancelAllOrders. */
  commands: `${PROTOCOL_PREFIX}/commands`,
  health: `${PROTOCOL_PREFIX}/health`,
  stats: `${PROTOCOL_PREFIX}/stats`,
  instruments: `${PROTOCOL_PREFIX}/instruments`,
  /** The WebSocket of order reports and market data. */
  stream: `${PROTOCOL_PREFIX}/stream`,
  openOrders: (accountId: string): string => `${account(accountId)}/open-orders`,
  order: (accountId: string, clientOrderId: string): string =>
    `${account(accountId)}/orders/${encodeURIComponent(clientOrderId)}`,
  fills: (accountId: string, since?: bigint): string =>
    `${account(accountId)}/fills${since !== undefined ? `?since=${since.toString()}` : ''}`,
  positions: (accountId: string): string => `${account(accountId)}/positions`,
  balances: (accountId: string): string => `${account(accountId)}/balances`,
} as const;

function account(accountId: string): string {
  return `${PROTOCOL_PREFIX}/accounts/${encodeURIComponent(accountId)}`;
}

/** The command types the venue takes on `POST /v1/commands`. */
export const COMMAND_TYPES: ReadonlySet<string> = new Set([
  'SubmitOrder',
  'ModifyOrder',
  'CancelOrder',
  'CancelAllOrders',
]);

/** The body of a 202: the command is on the venue's disk and has been handed to its matching engine. */
export interface AcceptedBody {
  readonly accepted: true;
  /** Present when the venue had already received this commandId: the command was not applied again. */
  readonly duplicate?: true;
}

/** The body of every 4xx/5xx answer. */
export interface ErrorBody {
  readonly error: string;
}

/** `GET /v1/stats`: what the fault-injection test checks at the end of a run. */
export interface VenueSimStats {
  /** SubmitOrder commands received, duplicates included. */
  readonly submits: number;
  readonly distinctClientOrderIds: number;
  /** ClientOrderIds that arrived in more than one SubmitOrder (each listed once per repeat). */
  readonly duplicateSubmits: string[];
  readonly fills: number;
  /** Since this process started (a restarted venue starts again at 0). */
  readonly uptimeMs: number;
}

/** `GET /v1/health`. */
export interface HealthBody {
  readonly status: 'ok';
  readonly venue: string;
  /** Identifies one venue's history: a venue started on an empty data directory gets a new one. */
  readonly incarnation: string;
  /** The sequence number of the last order report the venue made ("0" before the first). */
  readonly last_seq: string;
}

// ---- the stream --------------------------------------------------------------------------------

/**
 * Server → client. `report` carries an order event with its sequence number in the venue's log (increasing,
 * gap-free across the reports of all accounts, kept across venue restarts); `market` carries a market datum;
 * `hello` is the first message of every connection; `subscribed` answers a subscribe; `error` says a client
 * message was refused (nothing changed).
 */
export type StreamServerMessage =
  | {
      readonly kind: 'hello';
      readonly venue: string;
      readonly incarnation: string;
      readonly last_seq: string;
    }
  | { readonly kind: 'subscribed'; readonly accounts: string[] | null; readonly replayed: number }
  | { readonly kind: 'report'; readonly seq: string; readonly envelope: Envelope }
  | { readonly kind: 'market'; readonly envelope: Envelope }
  | { readonly kind: 'error'; readonly error: string };

/**
 * Client → server. `accounts` limits the reports to those accounts (all when absent or null); `after`, a
 * report sequence number, asks for the reports made since then (the ones a reconnecting client missed)
 * before the live ones, when the venue still holds them.
 */
export interface SubscribeMessage {
  readonly kind: 'subscribe';
  readonly accounts?: string[] | null;
  readonly after?: string;
}

export type StreamClientMessage = SubscribeMessage;

/** A subscribe as the server reads it. */
export interface Subscription {
  /** Undefined: every account. */
  readonly accounts: ReadonlySet<string> | undefined;
  readonly after: bigint | undefined;
}

const readAccounts = wireSchema.optional(wireSchema.array(wireSchema.ident(AccountId)));

/**
 * Reads a client message from its raw text; every refusal is a ModelError naming the field
 * (`accounts[1]`, `after`, `kind`…).
 */
export function parseClientMessage(text: string): Subscription {
  const raw = parseJsonText(text, 'message');
  const f = wireSchema.Fields.of(raw, '', {});
  const kind = f.get('kind', wireSchema.str);
  if (kind !== 'subscribe') throw new ModelError('kind', `"${kind}" is not a client message (subscribe)`);
  const accounts = f.get('accounts', readAccounts);
  const after = f.get('after', wireSchema.optNanos);
  return { accounts: accounts === undefined ? undefined : new Set(accounts), after };
}

/**
 * Reads a server message's frame, leaving envelopes undecoded (the client decodes them with its own
 * context); a malformed frame is a ModelError naming the field.
 */
export function parseServerMessage(text: string): StreamServerMessage {
  const raw = parseJsonText(text, 'message');
  const f = wireSchema.Fields.of(raw, '', {});
  const kind = f.get('kind', wireSchema.str);
  const obj = raw as Record<string, JsonValue>;
  switch (kind) {
    case 'hello':
      return {
        kind,
        venue: f.get('venue', wireSchema.nonEmptyStr),
        incarnation: f.get('incarnation', wireSchema.nonEmptyStr),
        last_seq: f.get('last_seq', wireSchema.nanos).toString(),
      };
    case 'subscribed': {
      const accounts = f.get('accounts', readAccounts);
      return { kind, accounts: accounts ?? null, replayed: f.get('replayed', wireSchema.nonNegativeInt) };
    }
    case 'report':
      f.fields('envelope');
      return {
        kind,
        seq: f.get('seq', wireSchema.nanos).toString(),
        envelope: obj.envelope as unknown as Envelope,
      };
    case 'market':
      f.fields('envelope');
      return { kind, envelope: obj.envelope as unknown as Envelope };
    case 'error':
      return { kind, error: f.get('error', wireSchema.str) };
    default:
      throw new ModelError(
        'kind',
        `"${kind}" is not a server message (hello, subscribed, report, market, error)`,
      );
  }
}

/** JSON.parse whose failure is a ModelError on `field`. */
export function parseJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ModelError(field, `is not valid JSON: ${(e as Error).message}`);
  }
}
