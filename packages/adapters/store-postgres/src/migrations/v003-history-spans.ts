import type { Migration } from './migration.js';

/**
 * The historical cache (issue 5, seed 003): the spans of each bar series that were fetched from a venue in
 * full. Coverage cannot be derived from the bars alone: a span where the venue had no bars (a weekend, a
 * halt, before a listing) holds none, and would be asked for again on every request.
 */
export const V003_HISTORY_SPANS: Migration = {
  version: 3,
  name: 'history spans',
  sql: `
-- [from_ns, to_ns) in nanoseconds since the epoch, on the bar grid: every bar lying wholly inside is stored.
-- Overlapping and touching spans of one series are merged when a span is recorded.
CREATE TABLE history_spans(
  instrument_id text NOT NULL,
  bar_type text NOT NULL,
  from_ns bigint NOT NULL,
  to_ns bigint NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bar_type, from_ns),
  CHECK (to_ns > from_ns)
);
`,
};
