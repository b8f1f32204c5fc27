import type { Migration } from './migration.js';

/**
 * Market data plane (issue 5): the features computed on bar close (seed 001: "Data Ingestion stores
 * computed indicators"), and HOSE PowerScreen snapshots (seed 000 §2.5) queryable by code and time.
 */
export const V002_FEATURES_AND_POWERSCREEN: Migration = {
  version: 2,
  name: 'features and powerscreen snapshots',
  sql: `
-- One row per series and closed bar; values is the FeatureSet's name → number (null while warming up).
CREATE TABLE features(
  instrument_id text NOT NULL,
  bar_type text NOT NULL,
  ts timestamptz NOT NULL,
  ts_ns bigint NOT NULL,
  "values" jsonb NOT NULL,
  PRIMARY KEY (bar_type, ts)
);
CREATE INDEX features_instrument_ts ON features (instrument_id, ts);

-- markets.v1.SsiPsSnapshot, one row per snapshot: the decoded message as JSON, and the encoded bytes.
CREATE TABLE ssi_ps_snapshots(
  code text NOT NULL,
  ts timestamptz NOT NULL,
  seq bigint NOT NULL DEFAULT 0,
  snapshot jsonb NOT NULL,
  payload bytea NOT NULL,
  PRIMARY KEY (code, ts, seq)
);
`,
};
