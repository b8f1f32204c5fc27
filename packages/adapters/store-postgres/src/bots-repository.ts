import { BotId } from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import type { SqlClient } from './sql-client.js';
import { jsonText, optText, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

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

/** What should run (seed 000's `desired_bots`). */
export interface DesiredBot {
  readonly botId: string;
  readonly botUuid: string;
  readonly accountId: string;
  readonly name: string;
  readonly image: string;
  readonly enabled: boolean;
  readonly config: unknown;
  readonly configRev: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface DesiredBotInput {
  readonly botId: string;
  readonly accountId: string;
  readonly name: string;
  readonly image: string;
  /** False for a new bot when absent; unchanged for an existing one. */
  readonly enabled?: boolean;
  /** A JSON object. */
  readonly config: Readonly<Record<string, unknown>>;
  /** When absent: 1 for a new bot, and one more whenever the image or the config changes. */
  readonly configRev?: number;
}

export const BOT_PHASES = ['starting', 'running', 'stopping', 'stopped', 'error', 'forced_stop'] as const;
export type BotPhase = (typeof BOT_PHASES)[number];

/** How a bot is doing (seed 000's `bot_status`): one snapshot per bot, replaced whole by each report. */
export interface BotStatus {
  readonly botId: string;
  readonly phase: BotPhase;
  readonly reason?: string;
  readonly imageRunning?: string;
  readonly lastHeartbeat?: Date;
  readonly p95TickMs?: number;
  readonly intentsPerS?: number;
  readonly strategy?: string;
  readonly version?: string;
  readonly cfgHash?: string;
  readonly configRev?: number;
}

export interface StoredBotStatus extends BotStatus {
  readonly botUuid: string;
  readonly updatedAt: Date;
}

type Row = Record<string, unknown>;

/** The bots registry, their desired state and their status. */
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

  /** Creates or updates what should run for a bot. */
  async setDesired(d: DesiredBotInput): Promise<DesiredBot> {
    const id = BotId(d?.botId, 'botId');
    if (typeof d.config !== 'object' || d.config === null || Array.isArray(d.config)) {
      throw new StoreError('config', 'must be a JSON object');
    }
    if (d.enabled !== undefined && typeof d.enabled !== 'boolean')
      throw new StoreError('enabled', 'must be a boolean');
    if (d.configRev !== undefined && (!Number.isSafeInteger(d.configRev) || d.configRev < 1)) {
      throw new StoreError('configRev', `must be a positive integer, got ${String(d.configRev)}`);
    }
    const rows = await this.sql.query(
      `INSERT INTO desired_bots (bot_id, account_id, name, image, enabled, config, config_rev, bot_ref)
       VALUES ($1, $2, $3, $4, coalesce($5::boolean, false), $6::jsonb, coalesce($7::integer, 1), $8)
       ON CONFLICT (bot_id) DO UPDATE SET
         account_id = excluded.account_id, name = excluded.name, image = excluded.image,
         enabled = coalesce($5::boolean, desired_bots.enabled), config = excluded.config,
         config_rev = coalesce($7::integer, CASE
           WHEN desired_bots.config IS DISTINCT FROM excluded.config OR desired_bots.image IS DISTINCT FROM excluded.image
           THEN desired_bots.config_rev + 1 ELSE desired_bots.config_rev END),
         updated_at = now()
       RETURNING *`,
      [
        botUuid(id),
        requireText(d.accountId, 'accountId'),
        requireText(d.name, 'name'),
        requireText(d.image, 'image', 1024),
        d.enabled ?? null,
        jsonText(d.config, 'config'),
        d.configRev ?? null,
        id,
      ],
    );
    return desiredOf(rows[0]!);
  }

  async getDesired(botId: string): Promise<DesiredBot | undefined> {
    const rows = await this.sql.query('SELECT * FROM desired_bots WHERE bot_id = $1', [botUuid(botId)]);
    return rows[0] && desiredOf(rows[0]);
  }

  async listDesired(filter: { enabled?: boolean } = {}): Promise<DesiredBot[]> {
    const rows = await this.sql.query(
      'SELECT * FROM desired_bots WHERE ($1::boolean IS NULL OR enabled = $1) ORDER BY bot_ref',
      [filter.enabled ?? null],
    );
    return rows.map(desiredOf);
  }

  async setEnabled(botId: string, enabled: boolean): Promise<DesiredBot> {
    if (typeof enabled !== 'boolean') throw new StoreError('enabled', 'must be a boolean');
    const rows = await this.sql.query(
      'UPDATE desired_bots SET enabled = $2, updated_at = now() WHERE bot_id = $1 RETURNING *',
      [botUuid(botId), enabled],
    );
    if (!rows[0]) throw new StoreError('botId', `no desired state for bot ${botId}`);
    return desiredOf(rows[0]);
  }

  /** Removes a bot's desired state; false when it had none. */
  async removeDesired(botId: string): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM desired_bots WHERE bot_id = $1 RETURNING bot_id', [
      botUuid(botId),
    ]);
    return rows.length > 0;
  }

  /** Replaces a bot's status with this report. */
  async setStatus(s: BotStatus): Promise<StoredBotStatus> {
    const id = BotId(s?.botId, 'botId');
    if (!BOT_PHASES.includes(s.phase)) {
      throw new StoreError('phase', `must be one of ${BOT_PHASES.join(', ')}, got ${String(s.phase)}`);
    }
    if (
      s.lastHeartbeat !== undefined &&
      !(s.lastHeartbeat instanceof Date && !Number.isNaN(s.lastHeartbeat.getTime()))
    ) {
      throw new StoreError('lastHeartbeat', 'must be a valid Date');
    }
    for (const [field, v] of [
      ['p95TickMs', s.p95TickMs],
      ['intentsPerS', s.intentsPerS],
    ] as const) {
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
        throw new StoreError(field, `must be a finite non-negative number, got ${String(v)}`);
      }
    }
    if (s.configRev !== undefined && (!Number.isSafeInteger(s.configRev) || s.configRev < 1)) {
      throw new StoreError('configRev', `must be a positive integer, got ${String(s.configRev)}`);
    }
    const rows = await this.sql.query(
      `INSERT INTO bot_status (bot_id, phase, reason, image_running, last_heartbeat, p95_tick_ms, intents_per_s,
         updated_at, bot_ref, strategy, version, cfg_hash, config_rev)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12)
       ON CONFLICT (bot_id) DO UPDATE SET
         phase = excluded.phase, reason = excluded.reason, image_running = excluded.image_running,
         last_heartbeat = excluded.last_heartbeat, p95_tick_ms = excluded.p95_tick_ms,
         intents_per_s = excluded.intents_per_s, updated_at = now(), strategy = excluded.strategy,
         version = excluded.version, cfg_hash = excluded.cfg_hash, config_rev = excluded.config_rev
       RETURNING *`,
      [
        botUuid(id),
        s.phase,
        optText(s.reason, 'reason', 4096) ?? null,
        optText(s.imageRunning, 'imageRunning', 1024) ?? null,
        s.lastHeartbeat?.toISOString() ?? null,
        s.p95TickMs ?? null,
        s.intentsPerS ?? null,
        id,
        optText(s.strategy, 'strategy') ?? null,
        optText(s.version, 'version') ?? null,
        optText(s.cfgHash, 'cfgHash') ?? null,
        s.configRev ?? null,
      ],
    );
    return statusOf(rows[0]!);
  }

  async getStatus(botId: string): Promise<StoredBotStatus | undefined> {
    const rows = await this.sql.query('SELECT * FROM bot_status WHERE bot_id = $1', [botUuid(botId)]);
    return rows[0] && statusOf(rows[0]);
  }

  async listStatus(): Promise<StoredBotStatus[]> {
    return (await this.sql.query('SELECT * FROM bot_status ORDER BY bot_ref')).map(statusOf);
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

function desiredOf(r: Row): DesiredBot {
  return {
    botId: String(r.bot_ref),
    botUuid: String(r.bot_id),
    accountId: String(r.account_id),
    name: String(r.name),
    image: String(r.image),
    enabled: r.enabled === true,
    config: r.config,
    configRev: Number(r.config_rev),
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function statusOf(r: Row): StoredBotStatus {
  const s: Record<string, unknown> = {
    botId: String(r.bot_ref),
    botUuid: String(r.bot_id),
    phase: r.phase as BotPhase,
    updatedAt: r.updated_at as Date,
  };
  const optional: [string, unknown][] = [
    ['reason', r.reason],
    ['imageRunning', r.image_running],
    ['lastHeartbeat', r.last_heartbeat],
    ['p95TickMs', r.p95_tick_ms],
    ['intentsPerS', r.intents_per_s],
    ['strategy', r.strategy],
    ['version', r.version],
    ['cfgHash', r.cfg_hash],
    ['configRev', r.config_rev],
  ];
  for (const [k, v] of optional) if (v !== null && v !== undefined) s[k] = v;
  return s as unknown as StoredBotStatus;
}
