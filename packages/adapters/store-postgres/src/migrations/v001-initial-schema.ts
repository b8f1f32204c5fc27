import type { Migration } from './migration.js';

/**
 * The first schema. The seed 000 tables (desired_bots, bot_status, ticks, orders, executions) keep every
 * column exactly as seed 000 §2.2 and §4.2 write them; what Qubit adds follows each seed block. Money,
 * prices and quantities are NUMERIC (exact decimal text in and out), times timestamptz, and where the
 * exact nanosecond matters (the journal, fills) a `ts_ns bigint` beside it. docs/store.md explains the
 * deviations (the ticks key, text bot ids next to the seed's UUIDs).
 */
export const V001_INITIAL_SCHEMA: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
-- Seed 000 §2.2: desired state and status of bots.
CREATE TABLE desired_bots(
  bot_id UUID PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  image TEXT NOT NULL,
  enabled BOOLEAN NOT NULL DEFAULT FALSE,
  config JSONB NOT NULL,
  config_rev INTEGER NOT NULL DEFAULT 1,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Qubit: the BotId as written ("sma-1"); bot_id is botUuid(bot_ref).
  bot_ref TEXT NOT NULL UNIQUE,
  CONSTRAINT desired_bots_config_rev_positive CHECK (config_rev >= 1)
);

CREATE TABLE bot_status(
  bot_id UUID PRIMARY KEY,
  phase TEXT NOT NULL,               -- starting|running|stopping|stopped|error (+ forced_stop)
  reason TEXT,
  image_running TEXT,
  last_heartbeat TIMESTAMPTZ,
  p95_tick_ms DOUBLE PRECISION,
  intents_per_s DOUBLE PRECISION,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Qubit
  bot_ref TEXT NOT NULL UNIQUE,
  strategy TEXT,
  version TEXT,
  cfg_hash TEXT,
  config_rev INTEGER,
  CONSTRAINT bot_status_phase CHECK (phase IN ('starting','running','stopping','stopped','error','forced_stop'))
);

-- Seed 002: the bots registry. bot_id is the BotId text ("shortseller_001"), as the seed writes it.
CREATE TABLE bots(
  bot_id TEXT PRIMARY KEY,
  bot_name TEXT NOT NULL,
  bot_type TEXT NOT NULL,
  strategy_name TEXT,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- Qubit: the UUID the seed 000 tables key this bot by.
  bot_uuid UUID NOT NULL UNIQUE
);

-- Seed 000 §4.2: ticks. Qubit adds venue, trade_id and side, and keys by (symbol, ts, trade_id): the
-- seed's (ts, symbol) cannot hold two trades of one symbol in the same microsecond. side is 'buy' or
-- 'sell' (the aggressor) or NULL when the venue does not say.
CREATE TABLE ticks(
  ts timestamptz NOT NULL,
  symbol text NOT NULL,
  price numeric NOT NULL,
  volume numeric NOT NULL,
  venue text NOT NULL DEFAULT '',
  trade_id text NOT NULL DEFAULT '',
  side text,
  CONSTRAINT ticks_side CHECK (side IN ('buy','sell')),
  PRIMARY KEY (symbol, ts, trade_id)
);

-- ts is the bar's tsEvent (its close).
CREATE TABLE bars(
  instrument_id text NOT NULL,
  bar_type text NOT NULL,
  ts timestamptz NOT NULL,
  open numeric NOT NULL,
  high numeric NOT NULL,
  low numeric NOT NULL,
  close numeric NOT NULL,
  volume numeric NOT NULL,
  PRIMARY KEY (bar_type, ts)
);
CREATE INDEX bars_instrument_ts ON bars (instrument_id, ts);

-- spec is the model's InstrumentSpec (instrumentToSpec).
CREATE TABLE instruments(
  instrument_id text PRIMARY KEY,
  venue text NOT NULL,
  symbol text NOT NULL,
  spec jsonb NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX instruments_venue ON instruments (venue);

-- Seed 000 §4.2: orders and executions.
CREATE TABLE orders(
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  bot_id uuid NOT NULL,
  symbol text NOT NULL,
  side text NOT NULL CHECK (side in ('buy','sell')),
  qty numeric NOT NULL,
  price numeric,
  status text NOT NULL DEFAULT 'new',
  provider_order_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- Qubit
  client_order_id text NOT NULL UNIQUE,
  bot_ref text,
  account_id text,
  instrument_id text,
  order_type text,
  time_in_force text,
  trigger_price numeric,
  filled_qty numeric NOT NULL DEFAULT 0,
  avg_px numeric,
  reduce_only boolean NOT NULL DEFAULT false,
  post_only boolean NOT NULL DEFAULT false,
  strategy_id text,
  trader_id text,
  expire_time_ns bigint,
  reason text,
  -- Σ fill_qty × fill_price, exact: avg_px is derived from it, never from a running average.
  fill_notional numeric NOT NULL DEFAULT 0,
  -- tsEvent of the last journal entry that changed the row.
  ts_last_ns bigint
);
CREATE INDEX orders_account_status ON orders (account_id, status);
CREATE INDEX orders_bot ON orders (bot_id);

CREATE TABLE executions(
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id uuid NOT NULL REFERENCES orders(id),
  fill_qty numeric NOT NULL,
  fill_price numeric NOT NULL,
  fee numeric NOT NULL DEFAULT 0,
  filled_at timestamptz NOT NULL DEFAULT now(),
  -- Qubit
  venue text NOT NULL,
  trade_id text NOT NULL,
  client_order_id text,
  account_id text,
  instrument_id text,
  side text CHECK (side in ('buy','sell')),
  fee_currency text,
  liquidity text,
  reconciliation boolean NOT NULL DEFAULT false,
  ts_ns bigint,
  venue_order_id text,
  event_id text,
  CONSTRAINT executions_venue_trade UNIQUE (venue, trade_id)
);
CREATE INDEX executions_order ON executions (order_id);
CREATE INDEX executions_account_ts ON executions (venue, account_id, ts_ns);

-- The write-ahead journal: every command and order event, as its wire envelope, in the order journaled.
CREATE TABLE order_events(
  seq bigserial PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('command','event')),
  type text NOT NULL,
  client_order_id text,
  account_id text,
  payload jsonb NOT NULL,
  ts_ns bigint NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_events_client_order ON order_events (client_order_id);

-- The portfolio's latest snapshot of each (account, bot, instrument) position: a projection for queries.
CREATE TABLE positions(
  account_id text NOT NULL,
  bot_ref text NOT NULL,
  instrument_id text NOT NULL,
  signed_qty numeric NOT NULL,
  avg_px numeric,
  realized_pnl numeric NOT NULL,
  currency text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  bot_id uuid NOT NULL,
  trader_id text NOT NULL,
  strategy_id text NOT NULL,
  position_id text NOT NULL,
  side text NOT NULL,
  quantity numeric NOT NULL,
  cost numeric NOT NULL,
  unrealized_pnl numeric,
  fees numeric NOT NULL,
  currency_precision integer NOT NULL,
  opened_at_ns bigint,
  last_px numeric NOT NULL,
  PRIMARY KEY (account_id, bot_ref, instrument_id)
);

-- balances: [{currency, total, locked, free}] with decimal strings; payload: the AccountState envelope.
CREATE TABLE account_states(
  seq bigserial PRIMARY KEY,
  account_id text NOT NULL,
  balances jsonb NOT NULL,
  equity numeric NOT NULL,
  ts timestamptz NOT NULL,
  event_id text NOT NULL UNIQUE,
  equity_currency text NOT NULL,
  margin_used numeric NOT NULL,
  reported boolean NOT NULL,
  ts_ns bigint NOT NULL,
  payload jsonb NOT NULL
);
CREATE INDEX account_states_account_seq ON account_states (account_id, seq);

CREATE TABLE audit_log(
  seq bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}',
  ip text
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE users(
  user_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled boolean NOT NULL DEFAULT false
);

CREATE TABLE api_tokens(
  token_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(user_id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Broker credentials: AES-256-GCM ciphertext (with its tag), its nonce, and the id of the key.
CREATE TABLE accounts(
  account_id text PRIMARY KEY,
  venue text NOT NULL,
  label text,
  account_type text NOT NULL,
  base_currency text,
  credentials_enc bytea,
  credentials_nonce bytea,
  credentials_key_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accounts_credentials_whole CHECK (
    (credentials_enc IS NULL) = (credentials_nonce IS NULL) AND (credentials_enc IS NULL) = (credentials_key_id IS NULL))
);

CREATE TABLE kv_state(
  bot_ref text NOT NULL,
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bot_ref, key)
);

CREATE TABLE reconciliations(
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  venue text NOT NULL,
  account_id text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('ok','mismatch','accepted','failed')),
  summary jsonb NOT NULL DEFAULT '{}',
  accepted_by text,
  accepted_at timestamptz,
  blocked_bots text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX reconciliations_venue_account ON reconciliations (venue, account_id, id);

-- TimescaleDB where the server offers it (and loads it: CREATE EXTENSION fails unless it is preloaded);
-- elsewhere ticks and bars stay plain tables, whose primary keys lead with (symbol, ts) and (bar_type, ts).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     AND (EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
          OR current_setting('shared_preload_libraries') LIKE '%timescaledb%') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('ticks', by_range('ts'), if_not_exists => TRUE);
    PERFORM create_hypertable('bars', by_range('ts'), if_not_exists => TRUE);
  END IF;
END
$$;
`,
};
