import { InstrumentId, instrumentFromSpec, instrumentToSpec, type Instrument } from '@qubit/model';
import type { SqlClient } from './sql-client.js';
import { jsonText, optText } from './sql-values.js';
import { StoreError } from './store-error.js';

export interface StoredInstrument {
  readonly instrument: Instrument;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The instrument registry: each instrument's spec (the model's InstrumentSpec) and whether it trades. */
export class InstrumentsRepository {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Adds or replaces an instrument's spec. `enabled` is true for a new instrument when absent and left
   * as it is for a known one.
   */
  async upsert(instrument: Instrument, options: { enabled?: boolean } = {}): Promise<StoredInstrument> {
    if (typeof instrument !== 'object' || instrument === null)
      throw new StoreError('instrument', 'must be an Instrument');
    InstrumentId(instrument.id, 'instrument.id');
    if (options.enabled !== undefined && typeof options.enabled !== 'boolean') {
      throw new StoreError('enabled', 'must be a boolean');
    }
    const spec = instrumentToSpec(instrument);
    // Read back through the model before writing: a spec that would not load again is refused now.
    instrumentFromSpec(spec, `instrument ${instrument.id}`);
    const rows = await this.sql.query(
      `INSERT INTO instruments (instrument_id, venue, symbol, spec, enabled)
       VALUES ($1, $2, $3, $4::jsonb, coalesce($5::boolean, true))
       ON CONFLICT (instrument_id) DO UPDATE SET
         venue = excluded.venue, symbol = excluded.symbol, spec = excluded.spec,
         enabled = coalesce($5::boolean, instruments.enabled), updated_at = now()
       RETURNING *`,
      [
        instrument.id,
        instrument.venue,
        instrument.symbol,
        jsonText(spec, 'instrument'),
        options.enabled ?? null,
      ],
    );
    return storedOf(rows[0]!);
  }

  async get(instrumentId: string): Promise<StoredInstrument | undefined> {
    const rows = await this.sql.query('SELECT * FROM instruments WHERE instrument_id = $1', [
      InstrumentId(instrumentId, 'instrumentId'),
    ]);
    return rows[0] && storedOf(rows[0]);
  }

  /** By instrument id; optionally of one venue, or only the enabled (or disabled) ones. */
  async list(filter: { venue?: string; enabled?: boolean } = {}): Promise<StoredInstrument[]> {
    const venue = optText(filter.venue, 'venue');
    const rows = await this.sql.query(
      `SELECT * FROM instruments WHERE ($1::text IS NULL OR venue = $1) AND ($2::boolean IS NULL OR enabled = $2)
        ORDER BY instrument_id`,
      [venue ?? null, filter.enabled ?? null],
    );
    return rows.map(storedOf);
  }

  async setEnabled(instrumentId: string, enabled: boolean): Promise<StoredInstrument> {
    if (typeof enabled !== 'boolean') throw new StoreError('enabled', 'must be a boolean');
    const rows = await this.sql.query(
      'UPDATE instruments SET enabled = $2, updated_at = now() WHERE instrument_id = $1 RETURNING *',
      [InstrumentId(instrumentId, 'instrumentId'), enabled],
    );
    if (!rows[0]) throw new StoreError('instrumentId', `no instrument ${instrumentId} is registered`);
    return storedOf(rows[0]);
  }
}

function storedOf(r: Record<string, unknown>): StoredInstrument {
  return {
    instrument: instrumentFromSpec(
      r.spec as Parameters<typeof instrumentFromSpec>[0],
      `instruments ${String(r.instrument_id)}.spec`,
    ),
    enabled: r.enabled === true,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}
