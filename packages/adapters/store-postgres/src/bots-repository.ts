import { BotId } from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import type { SqlClient } from './sql-client.js';
import { optText, requireText } from './sql-values.js';

/** A bot of the registry (seed 002's `bots`). */
export interface BotRecord {
  readonly botId: string;
  /** botUuid(botId): the key of seed 000's tables. */
  readonly botUuid: string;
  readonly botName: string;
  readonly botType: string;
  readonly strategyName: string | undefined;
  readonly createdAt: Date;
}

export interface BotRegistration {
  readonly botId: string;
  readonly botName: string;
  readonly botType: string;
  readonly strategyName?: string;
}

type Row = Record<string, unknown>;

/** The bots registry (seed 002). Desired state and status have repositories of their own. */
export class BotsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Adds a bot to the registry or updates its name, type and strategy. */
  async register(bot: BotRegistration): Promise<BotRecord> {
    const id = BotId(bot?.botId, 'botId');
    const rows = await this.sql.query(
      `INSERT INTO bots (bot_id, bot_name, bot_type, strategy_name, bot_uuid) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (bot_id) DO UPDATE
         SET bot_name = excluded.bot_name, bot_type = excluded.bot_type, strategy_name = excluded.strategy_name
       RETURNING *`,
      [
        id,
        requireText(bot.botName, 'botName'),
        requireText(bot.botType, 'botType'),
        optText(bot.strategyName, 'strategyName') ?? null,
        botUuid(id),
      ],
    );
    return botOf(rows[0]!);
  }

  async get(botId: string): Promise<BotRecord | undefined> {
    const rows = await this.sql.query('SELECT * FROM bots WHERE bot_id = $1', [BotId(botId, 'botId')]);
    return rows[0] && botOf(rows[0]);
  }

  async list(): Promise<BotRecord[]> {
    return (await this.sql.query('SELECT * FROM bots ORDER BY bot_id')).map(botOf);
  }
}

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));

function botOf(r: Row): BotRecord {
  return {
    botId: String(r.bot_id),
    botUuid: String(r.bot_uuid),
    botName: String(r.bot_name),
    botType: String(r.bot_type),
    strategyName: opt<string>(r.strategy_name),
    createdAt: r.created_at as Date,
  };
}
