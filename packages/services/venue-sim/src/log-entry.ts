import {
  AccountTypeValues,
  ModelError,
  instrumentFromSpec,
  wireSchema,
  type AccountId,
  type Envelope,
  type Instrument,
  type InstrumentSpec,
  type JsonObject,
  type UnixNanos,
} from '@qubit/model';
import type { VenueAccountSetup } from './venue-truth.js';

/** The version of the log's own layout (the envelopes inside carry their own versions). */
export const LOG_VERSION = 1;

/**
 * The lines of `venue.log.jsonl`, one JSON object each, told apart by `kind`:
 *
 * - `header` (first line): the venue, its incarnation, and the instruments and accounts (with starting
 *   balances) the log was begun with — what a replay needs besides the log.
 * - `start`: the venue started (after replaying what came before).
 * - `command`: a command the venue received and applied, at venue time `at`.
 * - `duplicate`: a SubmitOrder refused because its ClientOrderId had been received before.
 * - `quote`: a quote the venue matched at `at` (only those a replay needs, see venue-sim.ts).
 * - `event`: an order report the venue made, with its sequence number.
 *
 * Times and sequence numbers are decimal strings; commands, quotes and reports are wire envelopes.
 */
export type LogEntry = HeaderEntry | StartEntry | CommandEntry | DuplicateEntry | QuoteEntry | EventEntry;

export interface HeaderEntry {
  readonly kind: 'header';
  readonly version: number;
  readonly venue: string;
  readonly incarnation: string;
  readonly created: string;
  readonly instruments: InstrumentSpec[];
  readonly accounts: { account_id: string; account_type: string; balances: JsonObject[] }[];
}

export interface StartEntry {
  readonly kind: 'start';
  readonly at: string;
}

export interface CommandEntry {
  readonly kind: 'command';
  readonly at: string;
  readonly envelope: Envelope;
}

export interface DuplicateEntry {
  readonly kind: 'duplicate';
  readonly at: string;
  readonly client_order_id: string;
  readonly command_id: string;
}

export interface QuoteEntry {
  readonly kind: 'quote';
  readonly at: string;
  readonly envelope: Envelope;
}

export interface EventEntry {
  readonly kind: 'event';
  readonly seq: string;
  readonly at: string;
  readonly envelope: Envelope;
}

export function headerEntry(
  venue: string,
  incarnation: string,
  created: UnixNanos,
  instruments: readonly InstrumentSpec[],
  accounts: readonly VenueAccountSetup[],
): HeaderEntry {
  return {
    kind: 'header',
    version: LOG_VERSION,
    venue,
    incarnation,
    created: created.toString(),
    instruments: [...instruments],
    accounts: accounts.map((a) => ({
      account_id: a.accountId,
      account_type: a.accountType,
      balances: a.balances.map(wireSchema.encodeMoney),
    })),
  };
}

/** A header as a replay uses it; errors name `<path> line 1: field`. */
export interface ReadHeader {
  readonly venue: string;
  readonly incarnation: string;
  readonly instruments: Instrument[];
  readonly instrumentSpecs: InstrumentSpec[];
  readonly accounts: VenueAccountSetup[];
}

const readAccount: wireSchema.Reader<VenueAccountSetup> = (v, path, ctx) => {
  const f = wireSchema.Fields.of(v, path, ctx);
  return {
    accountId: f.get('account_id', wireSchema.nonEmptyStr) as AccountId,
    accountType: f.get('account_type', wireSchema.enumOf(AccountTypeValues)),
    balances: f.get('balances', wireSchema.array(wireSchema.money)),
  };
};

export function readHeader(value: unknown): ReadHeader {
  const f = wireSchema.Fields.of(value, '', {});
  const kind = f.get('kind', wireSchema.str);
  if (kind !== 'header') throw new ModelError('kind', `the first line must be the header, got "${kind}"`);
  const version = f.get('version', wireSchema.int);
  if (version !== LOG_VERSION) {
    throw new ModelError(
      'version',
      `this venue reads log version ${LOG_VERSION}, the log is version ${version}`,
    );
  }
  const specs = f.get(
    'instruments',
    wireSchema.array((v) => v as InstrumentSpec),
  );
  return {
    venue: f.get('venue', wireSchema.nonEmptyStr),
    incarnation: f.get('incarnation', wireSchema.nonEmptyStr),
    instrumentSpecs: specs,
    instruments: specs.map((s, i) => instrumentFromSpec(s, `instruments[${i}]`)),
    accounts: f.get('accounts', wireSchema.array(readAccount)),
  };
}

/** The kind and time of any line after the header. */
export function readEntryHead(value: unknown): { kind: string; at: UnixNanos | undefined } {
  const f = wireSchema.Fields.of(value, '', {});
  const kind = f.get('kind', wireSchema.str);
  return { kind, at: f.get('at', wireSchema.optNanos) };
}
