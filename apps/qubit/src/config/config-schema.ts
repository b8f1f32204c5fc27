import { z } from 'zod';

/** The roles one `qubit` process can play (`qubit serve --roles …`); `qubit up` plays them all. */
export const ROLES = ['gateway', 'supervisor', 'trading', 'marketdata'] as const;
export type Role = (typeof ROLES)[number];

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a UTC time of day HH:MM');

/**
 * Everything a Qubit process reads at start, in one schema (snake_case, as written in
 * qubit.config.yaml). Unknown keys are errors: a misspelt key silently falling back to a default is how
 * a platform ends up trading with the wrong settings.
 */
export const ConfigSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65_535).default(8080),
    data_dir: z.string().min(1).default('./data'),
    /** PostgreSQL instead of the embedded store; may hold a password (masked when printed). */
    database_url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
    /** No network attempt: the synthetic feed for market data. */
    offline: z.boolean().default(false),
    roles: z
      .array(z.enum(ROLES))
      .min(1)
      .default([...ROLES]),
    /** The first admin's password; a one-time password is generated and printed when absent. */
    admin_password: z.string().min(8, 'must be at least 8 characters').optional(),
    /** Key of the credentials encrypted at rest (64 hex digits or base64 of 32 bytes), or a file holding it. */
    secret_key: z.string().min(1).optional(),
    secret_key_file: z.string().min(1).optional(),
    marketdata: z
      .object({
        /** How long the live public feed has to deliver before paper mode falls back to synthetic data. */
        paper_wait_ms: z.number().int().min(0).max(60_000).default(5000),
        instruments: z.array(z.string().min(3)).default(['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE']),
        timeframes: z
          .array(z.string().regex(/^\d+[smhd]$/, 'expected a timeframe such as 1s, 1m, 5m, 1h, 1d'))
          .default(['1s', '1m', '5m', '15m', '1h', '1d']),
        /** Seed of the synthetic feed: one value repeats a whole offline session. */
        synthetic_seed: z.number().int().default(1),
        /** Where the synthetic market starts, per instrument, when the store has no last price for it. */
        synthetic_start_prices: z
          .record(z.string(), z.number().positive())
          .default({ 'BTCUSDT.BINANCE': 60_000, 'ETHUSDT.BINANCE': 3_000 }),
      })
      .strict()
      .default({
        paper_wait_ms: 5000,
        instruments: ['BTCUSDT.BINANCE', 'ETHUSDT.BINANCE'],
        timeframes: ['1s', '1m', '5m', '15m', '1h', '1d'],
        synthetic_seed: 1,
        synthetic_start_prices: { 'BTCUSDT.BINANCE': 60_000, 'ETHUSDT.BINANCE': 3_000 },
      }),
    backups: z
      .object({
        enabled: z.boolean().default(true),
        at: timeOfDay.default('02:00'),
        dir: z.string().min(1).optional(),
      })
      .strict()
      .default({ enabled: true, at: '02:00' }),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
        format: z.enum(['json', 'pretty']).default('json'),
      })
      .strict()
      .default({ level: 'info', format: 'json' }),
  })
  .strict();

export type QubitConfig = z.output<typeof ConfigSchema>;

/** Keys whose values are never printed or logged. */
export const SECRET_KEYS: readonly string[] = ['admin_password', 'secret_key'];
