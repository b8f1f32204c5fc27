import {
  ModelError,
  decodeEnvelope,
  wireSchema,
  type Envelope,
  type EnvelopeDecodeContext,
  type OrderEvent,
  type QuoteTick,
  type TradingCommand,
  type UnixNanos,
} from '@qubit/model';
import { COMMAND_TYPES } from '@qubit/venue-remote';
import { readEntryHead } from './log-entry.js';
import type { VenueState } from './venue-state.js';
import type { LogLine } from './venue-log.js';

/** A report the replay made, with the venue time it was made at. */
export interface MadeReport {
  readonly event: OrderEvent;
  readonly seq: bigint;
  readonly at: UnixNanos;
}

export interface ReplayResult {
  /** Lines replayed (after the header). */
  readonly lines: number;
  /**
   * Reports the replay made that the log does not hold: those of the last input before a crash that came
   * after the input was written and before its reports were. They were never sent; the caller logs them.
   */
  readonly unlogged: MadeReport[];
}

export interface ReplayContext {
  /** For error messages: the log's path. */
  readonly path: string;
  readonly decode: EnvelopeDecodeContext;
  /** Every report of the log, in order, as logged (for the stream's resume buffer). */
  readonly onLoggedReport: (seq: bigint, accountId: string, envelope: Envelope) => void;
  readonly warn: (line: string) => void;
}

/**
 * Rebuilds the venue by feeding `state` the inputs of the log at their logged times. Each logged report
 * is checked against the one the replay makes (same sequence number, type and event id): the rebuilt venue
 * is then exactly the one that made them, and a log written by a different matching engine is refused
 * rather than silently giving different fills.
 */
export function replayLog(lines: readonly LogLine[], state: VenueState, ctx: ReplayContext): ReplayResult {
  const made: MadeReport[] = [];
  state.onReport((event, seq) => made.push({ event, seq, at: state.clock.now() }));
  let lastAt = 0n;
  for (const { line, value } of lines) {
    const fail = (field: string, reason: string): never => {
      throw new Error(`${ctx.path} line ${line}: ${field}: ${reason}`);
    };
    try {
      const { kind, at } = readEntryHead(value);
      if (at !== undefined && at > lastAt) lastAt = at;
      const f = wireSchema.Fields.of(value, '', {});
      switch (kind) {
        case 'start':
          state.starts++;
          break;
        case 'command': {
          state.advance(need(at));
          const command = decodeEnvelope<TradingCommand>(
            f.get('envelope', (v) => v),
            ctx.decode,
          ).message;
          if (!COMMAND_TYPES.has(command.type)) fail('envelope.type', `${command.type} is not a command`);
          if (state.verdict(command) !== 'apply') {
            fail('envelope', `${command.type} ${command.commandId} was already applied earlier in the log`);
          }
          try {
            state.apply(command);
          } catch (e) {
            // Deterministic: the live venue failed on it the same way, and answered 500.
            ctx.warn(
              `${ctx.path} line ${line}: ${command.type} failed again on replay: ${(e as Error).message}`,
            );
          }
          break;
        }
        case 'duplicate':
          state.recordDuplicate(f.get('client_order_id', wireSchema.nonEmptyStr));
          break;
        case 'quote': {
          state.advance(need(at));
          const envelope = f.get('envelope', (v) => v) as Envelope;
          const quote = decodeEnvelope<QuoteTick>(envelope, ctx.decode).message;
          if (quote.type !== 'QuoteTick') fail('envelope.type', `expected QuoteTick, got ${quote.type}`);
          state.quote(quote, envelope);
          break;
        }
        case 'event': {
          const seq = f.get('seq', wireSchema.nanos);
          const envelope = f.get('envelope', (v) => v) as Envelope;
          const logged = decodeEnvelope<OrderEvent>(envelope, ctx.decode).message;
          // A report with no input line before it came from an expiry timer: moving time makes it again.
          if (made.length === 0) state.advance(need(at));
          const mine = made.shift();
          if (!mine) {
            fail(
              'seq',
              `the log holds report ${seq} (${logged.type} ${logged.eventId}) that replaying the log does not make`,
            );
          } else if (
            mine.seq !== seq ||
            mine.event.type !== logged.type ||
            mine.event.eventId !== logged.eventId
          ) {
            fail(
              'seq',
              `replaying made report ${mine.seq} (${mine.event.type} ${mine.event.eventId}) where the log holds ` +
                `${seq} (${logged.type} ${logged.eventId}); the log was written by a different matching engine or is damaged`,
            );
          }
          ctx.onLoggedReport(seq, logged.accountId, envelope);
          break;
        }
        default:
          fail('kind', `"${kind}" is not a log entry (start, command, duplicate, quote, event)`);
      }
    } catch (e) {
      if (e instanceof ModelError) throw new Error(`${ctx.path} line ${line}: ${e.message}`, { cause: e });
      throw e;
    }
  }
  if (lastAt > state.clock.now()) state.advance(lastAt);
  state.onReport(() => {});
  return { lines: lines.length, unlogged: made };

  function need(at: UnixNanos | undefined): UnixNanos {
    if (at === undefined) throw new ModelError('at', 'is required');
    return at;
  }
}
