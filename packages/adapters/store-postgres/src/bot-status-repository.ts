import { BotId } from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import type { SqlClient } from './sql-client.js';
import { optText } from './sql-values.js';
import { StoreError } from './store-error.js';

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

/** One heartbeat's figures; the phase and the rest of the status stay as they are. */
export interface BotHeartbeat {
  readonly botId: string;
  readonly at: Date;
  readonly p95TickMs?: number;
  readonly intentsPerS?: number;
}

type Row = Record<string, unknown>;

/**
 * Seed 000's `bot_status`: what the supervisor observed of each bot, one row per bot. A phase change
 * replaces the row whole (a stopped bot has no heartbeat figures left over from its run); a heartbeat
 * touches only its own columns, so it cannot undo a phase written between two beats.
 */
export class BotStatusRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Replaces a bot's status with this report. */
  async upsert(s: BotStatus): Promise<StoredBotStatus> {
    const id = BotId(s?.botId, 'botId');
    if (!BOT_PHASES.includes(s.phase)) {
      throw new StoreError('phase', `must be one of ${BOT_PHASES.join(', ')}, got ${String(s.phase)}`);
    }
    checkDate(s.lastHeartbeat, 'lastHeartbeat', true);
    checkFigure(s.p95TickMs, 'p95TickMs');
    checkFigure(s.intentsPerS, 'intentsPerS');
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

  /** Records a heartbeat of a bot that has a status; figures not given are kept. */
  async heartbeat(h: BotHeartbeat): Promise<StoredBotStatus> {
    const id = BotId(h?.botId, 'botId');
    checkDate(h.at, 'at', false);
    checkFigure(h.p95TickMs, 'p95TickMs');
    checkFigure(h.intentsPerS, 'intentsPerS');
    const rows = await this.sql.query(
      `UPDATE bot_status SET last_heartbeat = $2, p95_tick_ms = coalesce($3, p95_tick_ms),
         intents_per_s = coalesce($4, intents_per_s), updated_at = now()
       WHERE bot_id = $1 RETURNING *`,
      [botUuid(id), h.at.toISOString(), h.p95TickMs ?? null, h.intentsPerS ?? null],
    );
    if (!rows[0]) throw new StoreError('botId', `no status for bot ${id} to add a heartbeat to`);
    return statusOf(rows[0]);
  }

  async get(botId: string): Promise<StoredBotStatus | undefined> {
    const rows = await this.sql.query('SELECT * FROM bot_status WHERE bot_id = $1', [botUuid(botId)]);
    return rows[0] && statusOf(rows[0]);
  }

  /** Every bot's status by BotId, or only those in the given phases. */
  async list(filter: { readonly phases?: readonly BotPhase[] } = {}): Promise<StoredBotStatus[]> {
    const phases = filter.phases;
    if (phases !== undefined) {
      if (!Array.isArray(phases)) throw new StoreError('filter.phases', 'must be an array of phases');
      for (const p of phases) {
        if (!BOT_PHASES.includes(p)) {
          throw new StoreError('filter.phases', `${String(p)} is not one of ${BOT_PHASES.join(', ')}`);
        }
      }
    }
    const rows = await this.sql.query(
      'SELECT * FROM bot_status WHERE ($1::text[] IS NULL OR phase = ANY($1::text[])) ORDER BY bot_ref',
      [phases === undefined ? null : [...phases]],
    );
    return rows.map(statusOf);
  }
}

function checkDate(v: unknown, field: string, optional: boolean): void {
  if (v === undefined && optional) return;
  if (!(v instanceof Date && !Number.isNaN(v.getTime()))) throw new StoreError(field, 'must be a valid Date');
}

function checkFigure(v: unknown, field: string): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
    throw new StoreError(field, `must be a finite non-negative number, got ${String(v)}`);
  }
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
  for (const [k, v] of optional) if (v !== null && v !== undefined) s[k] = k === 'configRev' ? Number(v) : v;
  return s as unknown as StoredBotStatus;
}
