import { BotId } from '@qubit/model';
import { botUuid } from './bot-uuid.js';
import type { SqlClient } from './sql-client.js';
import { jsonText, requireText } from './sql-values.js';
import { StoreError } from './store-error.js';

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

/** What an upsert did: the stored desired state and whether its revision moved (a rollout is due). */
export interface DesiredBotUpsert {
  readonly desired: DesiredBot;
  readonly created: boolean;
  readonly revised: boolean;
}

type Row = Record<string, unknown>;

/**
 * Seed 000's `desired_bots`: what should run. The supervisor reads it and is the only thing that acts on
 * it; the gateway writes it. `config_rev` is bumped by the database itself when the image or the config
 * changes, so two writers racing cannot both claim the same revision for different configs.
 */
export class DesiredBotsRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Creates or updates a bot's desired state; `enabled` stays as it was when the input does not say. */
  async upsert(d: DesiredBotInput): Promise<DesiredBotUpsert> {
    const id = BotId(d?.botId, 'botId');
    if (typeof d.config !== 'object' || d.config === null || Array.isArray(d.config)) {
      throw new StoreError('config', 'must be a JSON object');
    }
    if (d.enabled !== undefined && typeof d.enabled !== 'boolean') {
      throw new StoreError('enabled', 'must be a boolean');
    }
    if (d.configRev !== undefined && (!Number.isSafeInteger(d.configRev) || d.configRev < 1)) {
      throw new StoreError('configRev', `must be a positive integer, got ${String(d.configRev)}`);
    }
    const params = [
      botUuid(id),
      requireText(d.accountId, 'accountId'),
      requireText(d.name, 'name'),
      requireText(d.image, 'image', 1024),
      d.enabled ?? null,
      jsonText(d.config, 'config'),
      d.configRev ?? null,
      id,
    ];
    return this.sql.transaction(async (tx) => {
      // Locked so that the revision compared below is the one the update replaces.
      const before = await tx.query('SELECT config_rev FROM desired_bots WHERE bot_id = $1 FOR UPDATE', [
        params[0],
      ]);
      const rows = await tx.query(
        `INSERT INTO desired_bots (bot_id, account_id, name, image, enabled, config, config_rev, bot_ref)
         VALUES ($1, $2, $3, $4, coalesce($5::boolean, false), $6::jsonb, coalesce($7::integer, 1), $8)
         ON CONFLICT (bot_id) DO UPDATE SET
           account_id = excluded.account_id, name = excluded.name, image = excluded.image,
           enabled = coalesce($5::boolean, desired_bots.enabled), config = excluded.config,
           config_rev = coalesce($7::integer, CASE
             WHEN desired_bots.config IS DISTINCT FROM excluded.config
               OR desired_bots.image IS DISTINCT FROM excluded.image
             THEN desired_bots.config_rev + 1 ELSE desired_bots.config_rev END),
           updated_at = now()
         RETURNING *`,
        params,
      );
      const desired = desiredOf(rows[0]!);
      const previous = before[0] ? Number(before[0].config_rev) : undefined;
      return {
        desired,
        created: previous === undefined,
        revised: previous !== undefined && previous !== desired.configRev,
      };
    });
  }

  async get(botId: string): Promise<DesiredBot | undefined> {
    const rows = await this.sql.query('SELECT * FROM desired_bots WHERE bot_id = $1', [botUuid(botId)]);
    return rows[0] && desiredOf(rows[0]);
  }

  /** Every bot's desired state by BotId, or only the enabled (or disabled) ones. */
  async list(filter: { readonly enabled?: boolean } = {}): Promise<DesiredBot[]> {
    if (filter.enabled !== undefined && typeof filter.enabled !== 'boolean') {
      throw new StoreError('filter.enabled', 'must be a boolean');
    }
    const rows = await this.sql.query(
      'SELECT * FROM desired_bots WHERE ($1::boolean IS NULL OR enabled = $1) ORDER BY bot_ref',
      [filter.enabled ?? null],
    );
    return rows.map(desiredOf);
  }

  /** Starts (true) or stops (false) a bot by intent; its revision does not move. */
  async setEnabled(botId: string, enabled: boolean): Promise<DesiredBot> {
    if (typeof enabled !== 'boolean') throw new StoreError('enabled', 'must be a boolean');
    const rows = await this.sql.query(
      'UPDATE desired_bots SET enabled = $2, updated_at = now() WHERE bot_id = $1 RETURNING *',
      [botUuid(botId), enabled],
    );
    if (!rows[0]) throw new StoreError('botId', `no desired state for bot ${botId}`);
    return desiredOf(rows[0]);
  }

  /** Removes a bot's desired state (the supervisor then stops it); false when it had none. */
  async delete(botId: string): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM desired_bots WHERE bot_id = $1 RETURNING bot_id', [
      botUuid(botId),
    ]);
    return rows.length > 0;
  }
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
