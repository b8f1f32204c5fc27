import { BotId, ClientOrderId, ModelError, NANOS_PER_MILLI } from '@qubit/model';
import { hashKey } from '../bus/message-bus.js';
import type { Clock } from '../clock/clock.js';
import { BoundedMap } from './bounded-map.js';

/** Short codes of the reasons bots use most; any other reason is shortened to its first 4 characters. */
export const REASON_CODES: Readonly<Record<string, string>> = {
  entry: 'EN',
  exit: 'EX',
  take_profit: 'TP',
  stop_loss: 'SL',
  trailing_stop: 'TS',
  end_of_data: 'ED',
  signal: 'SG',
  grid: 'GR',
  rebalance: 'RB',
  manual: 'MN',
  reconcile: 'RC',
};

const REASON_BY_CODE: ReadonlyMap<string, string> = new Map(
  Object.entries(REASON_CODES).map(([reason, code]) => [code, reason]),
);

/** Who asked for an order and why: what seed 002 wrote as "bot_id:reason" in the id itself. */
export interface ClientOrderIdOrigin {
  readonly botId: string;
  readonly reason: string;
}

/** What the id string alone tells, without the generator's memory. */
export interface ParsedClientOrderId {
  /** The bot tag: the bot id itself when short, a UUID's first 8 hex digits, or a prefix plus a hash. */
  readonly botTag: string;
  /** Upper case for a known reason (EN, TP …), lower case for the first characters of any other. */
  readonly reasonCode: string;
  /** The full reason when the code is a known one. */
  readonly reason?: string;
  /** Clock time of generation in milliseconds since the epoch. */
  readonly timeMs: bigint;
  /** Position among the ids generated in the same millisecond. */
  readonly seq: number;
}

export interface ClientOrderIdGeneratorOptions {
  readonly clock: Clock;
  /** How many ids `describe` remembers (oldest forgotten first); default 1 000 000. */
  readonly capacity?: number;
}

const MAX_LENGTH = 32;
const SHORT_BOT_ID = /^[A-Za-z0-9_]{1,10}$/;
const UUID = /^([0-9a-fA-F]{8})-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const PARSE = /^([A-Za-z0-9_]{1,10})-([A-Za-z0-9_]{1,4})-([0-9a-z]{1,9})-([0-9a-z]{1,12})$/;

/**
 * Makes ClientOrderIds that every venue accepts (≤ 32 of [A-Za-z0-9_-]) and that still say which bot
 * placed the order and why: `<bot tag>-<reason code>-<clock ms, base 36>-<sequence, base 36>`,
 * e.g. `550e8400-TP-lq2k1x0g-0`. The same calls at the same clock times give the same ids, so a
 * backtest replays exactly; the millisecond never goes backwards within one generator, so ids never repeat
 * here, and across processes they differ by bot tag or by time.
 *
 * Use `(botId, reason) => generator.generate(botId, reason)` where a `nextClientOrderId` function is asked for.
 */
export class ClientOrderIdGenerator {
  private readonly clock: Clock;
  private readonly origins: BoundedMap<string, ClientOrderIdOrigin>;
  /** Per bot: its tag, and per reason what every id of that pair shares (prefix "<tag>-<code>-", origin). */
  private readonly bots = new Map<string, { readonly tag: string; readonly pairs: Map<string, Pair> }>();
  private lastMs = -1n;
  /** The current millisecond in base 36 followed by "-": made once per millisecond, not per id. */
  private lastMsPart = '';
  private seq = 0;

  constructor(options: ClientOrderIdGeneratorOptions) {
    this.clock = options.clock;
    this.origins = new BoundedMap(options.capacity ?? 1_000_000);
  }

  /** A new id for an order of `botId` placed for `reason`. Throws a ModelError naming a bad bot id. */
  generate(botId: string, reason: string): ClientOrderId {
    const pair = this.pairOf(botId, reason);
    const nowMs = this.clock.now() / NANOS_PER_MILLI;
    if (nowMs < 0n)
      throw new ModelError('clock', `cannot make a client order id before 1970 (clock at ${nowMs} ms)`);
    if (nowMs > this.lastMs) {
      this.lastMs = nowMs;
      this.lastMsPart = `${nowMs.toString(36)}-`;
      this.seq = 0;
    }
    const text = pair.prefix + this.lastMsPart + (this.seq++).toString(36);
    if (text.length > MAX_LENGTH) {
      throw new ModelError(
        'client_order_id',
        `"${text}" is longer than ${MAX_LENGTH} characters (${this.seq} ids in one millisecond, or a clock beyond year 5000)`,
      );
    }
    const id = ClientOrderId(text, 'client_order_id');
    this.origins.set(id, pair.origin);
    return id;
  }

  /** Who generated `clientOrderId` and why, if this generator made it or was told with `register`. */
  describe(clientOrderId: string): ClientOrderIdOrigin | undefined {
    return this.origins.get(clientOrderId);
  }

  /**
   * Re-learns an id made before a restart (from the journal or the venue's open orders). New ids then
   * continue after it, so even a clock that went backwards cannot produce it again.
   */
  register(clientOrderId: string, botId: string, reason: string): void {
    const id = ClientOrderId(clientOrderId, 'client_order_id');
    BotId(botId, 'bot_id');
    this.origins.set(id, this.pairOf(botId, reason).origin);
    const parsed = this.parse(id);
    if (!parsed) return;
    if (parsed.timeMs > this.lastMs) {
      this.lastMs = parsed.timeMs;
      this.lastMsPart = `${parsed.timeMs.toString(36)}-`;
      this.seq = parsed.seq + 1;
    } else if (parsed.timeMs === this.lastMs && parsed.seq >= this.seq) {
      this.seq = parsed.seq + 1;
    }
  }

  /** Reads the parts of an id in this generator's format; undefined for any other string. */
  parse(clientOrderId: string): ParsedClientOrderId | undefined {
    return parseClientOrderId(clientOrderId);
  }

  /** The prefix and origin of a (bot, reason) pair, made on first use (which checks the bot id). */
  private pairOf(botId: string, reason: string): Pair {
    let bot = this.bots.get(botId);
    if (!bot) {
      bot = { tag: botTag(BotId(botId, 'bot_id')), pairs: new Map() };
      this.bots.set(botId, bot);
    }
    let pair = bot.pairs.get(reason);
    if (!pair) {
      pair = {
        prefix: `${bot.tag}-${reasonCode(reason)}-`,
        // One shared origin object per (bot, reason), so remembering a million ids stays small.
        origin: Object.freeze({ botId, reason }),
      };
      bot.pairs.set(reason, pair);
    }
    return pair;
  }
}

interface Pair {
  readonly prefix: string;
  readonly origin: ClientOrderIdOrigin;
}

/**
 * The ≤ 10-character tag of a bot: the bot id itself when it is short and has no '-', a UUID's first
 * 8 hex digits, otherwise its first 6 characters (without '-') plus 4 base-36 digits of a hash of the
 * whole id, so that "strategy_001" and "strategy_002" still get different tags.
 */
export function botTag(botId: string): string {
  if (SHORT_BOT_ID.test(botId)) return botId;
  const uuid = UUID.exec(botId);
  if (uuid) return uuid[1]!.toLowerCase();
  const prefix = botId.replace(/[^A-Za-z0-9_]/g, '').slice(0, 6);
  const hash = (hashKey(botId) % 36 ** 4).toString(36).padStart(4, '0');
  return prefix + hash;
}

/** The code of a reason: a known one ("take_profit", "Take Profit", "take-profit" → TP), or its first 4 letters/digits in lower case. */
export function reasonCode(reason: string): string {
  const normalized = reason
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  const known = REASON_CODES[normalized];
  if (known !== undefined) return known;
  const short = normalized.replace(/[^a-z0-9]/g, '').slice(0, 4);
  return short.length > 0 ? short : 'none';
}

/** Reads `<tag>-<code>-<ms>-<seq>`; undefined when the id was not made in this format. */
export function parseClientOrderId(clientOrderId: string): ParsedClientOrderId | undefined {
  const m = PARSE.exec(clientOrderId);
  if (!m) return undefined;
  const reasonCode = m[2]!;
  const reason = REASON_BY_CODE.get(reasonCode);
  return {
    botTag: m[1]!,
    reasonCode,
    ...(reason !== undefined ? { reason } : {}),
    timeMs: parseBase36(m[3]!),
    seq: parseInt(m[4]!, 36),
  };
}

function parseBase36(text: string): bigint {
  let n = 0n;
  for (const ch of text) n = n * 36n + BigInt(parseInt(ch, 36));
  return n;
}
