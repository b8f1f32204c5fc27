import { REPORT_SCHEMA_ID } from './backtest-report.js';

const DECIMAL = { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' } as const;
const TIME = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{9}Z$',
} as const;
const RATIO = { type: ['number', 'null'] } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;

/**
 * The JSON Schema (draft 2020-12) of report.json. Every object is closed (`additionalProperties: false`)
 * except `config`, which echoes whatever the run was configured with. docs/reports.md explains each field.
 */
export const REPORT_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://qubit.dev/schemas/backtest-report-1.json',
  title: 'Qubit backtest report',
  type: 'object',
  additionalProperties: false,
  required: ['schema', 'run', 'config', 'period', 'base_currency', 'summary', 'trades', 'denials'],
  properties: {
    schema: { const: REPORT_SCHEMA_ID },
    run: {
      type: 'object',
      additionalProperties: false,
      required: ['started_at', 'duration_ms', 'qubit_version'],
      properties: {
        started_at: { type: 'string' },
        duration_ms: { type: 'number', minimum: 0 },
        qubit_version: { type: 'string' },
      },
    },
    config: { type: 'object' },
    period: {
      type: 'object',
      additionalProperties: false,
      required: ['start', 'end', 'duration_ms', 'duration'],
      properties: { start: TIME, end: TIME, duration_ms: COUNT, duration: { type: 'string' } },
    },
    base_currency: { type: 'string', pattern: '^[A-Z0-9]{2,12}$' },
    summary: {
      type: 'object',
      additionalProperties: false,
      required: [
        'starting_equity',
        'ending_equity',
        'net_pnl',
        'fees_paid',
        'total_return',
        'cagr',
        'sharpe',
        'sortino',
        'periods_per_year',
        'periods_per_year_inferred',
        'max_drawdown',
        'max_drawdown_duration_ms',
        'max_drawdown_duration',
        'win_rate',
        'profit_factor',
        'exposure_time',
        'trade_count',
        'open_trade_count',
        'winning_trades',
        'losing_trades',
        'denial_count',
        'denials_by_reason',
      ],
      properties: {
        starting_equity: DECIMAL,
        ending_equity: DECIMAL,
        net_pnl: DECIMAL,
        fees_paid: DECIMAL,
        total_return: RATIO,
        cagr: RATIO,
        sharpe: RATIO,
        sortino: RATIO,
        periods_per_year: RATIO,
        periods_per_year_inferred: { type: 'boolean' },
        max_drawdown: { type: 'number', minimum: 0 },
        max_drawdown_duration_ms: COUNT,
        max_drawdown_duration: { type: 'string' },
        win_rate: RATIO,
        profit_factor: RATIO,
        exposure_time: RATIO,
        trade_count: COUNT,
        open_trade_count: COUNT,
        winning_trades: COUNT,
        losing_trades: COUNT,
        denial_count: COUNT,
        denials_by_reason: { type: 'object', additionalProperties: COUNT },
      },
    },
    trades: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'bot_id',
          'instrument_id',
          'side',
          'status',
          'quantity',
          'entry_time',
          'exit_time',
          'entry_price',
          'exit_price',
          'mark_price',
          'fees',
          'pnl',
          'return',
          'entry_reason',
          'exit_reason',
          'duration_ms',
          'duration',
          'bars_held',
        ],
        properties: {
          id: { type: 'integer', minimum: 1 },
          bot_id: { type: 'string' },
          instrument_id: { type: 'string' },
          side: { enum: ['long', 'short'] },
          status: { enum: ['closed', 'open'] },
          quantity: DECIMAL,
          entry_time: TIME,
          exit_time: { anyOf: [TIME, { type: 'null' }] },
          entry_price: DECIMAL,
          exit_price: { anyOf: [DECIMAL, { type: 'null' }] },
          mark_price: { anyOf: [DECIMAL, { type: 'null' }] },
          fees: DECIMAL,
          pnl: DECIMAL,
          return: RATIO,
          entry_reason: { type: ['string', 'null'] },
          exit_reason: { type: ['string', 'null'] },
          duration_ms: COUNT,
          duration: { type: 'string' },
          bars_held: { type: ['integer', 'null'], minimum: 0 },
        },
      },
    },
    denials: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['time', 'bot_id', 'instrument_id', 'client_order_id', 'stage', 'reason_code', 'reason'],
        properties: {
          time: TIME,
          bot_id: { type: 'string' },
          instrument_id: { type: 'string' },
          client_order_id: { type: 'string' },
          stage: { enum: [1, 2] },
          reason_code: { type: 'string' },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const;

/** The outcome of `validateReport`: every problem found, each naming its field (`summary.sharpe`). */
export type ReportValidation =
  { readonly valid: true } | { readonly valid: false; readonly errors: readonly string[] };

/**
 * Checks a parsed report.json against REPORT_JSON_SCHEMA. It understands exactly the keywords that schema
 * uses (type, const, enum, pattern, minimum, required, properties, additionalProperties, items, anyOf), so
 * tests and the CLI need no JSON Schema library.
 */
export function validateReport(value: unknown): ReportValidation {
  const errors: string[] = [];
  check(REPORT_JSON_SCHEMA, value, '', errors);
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
}

type Schema = {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
};

function check(schema: Schema, value: unknown, path: string, errors: string[]): void {
  const at = path === '' ? '(root)' : path;
  if (schema.anyOf !== undefined) {
    const ok = schema.anyOf.some((s) => {
      const sub: string[] = [];
      check(s, value, path, sub);
      return sub.length === 0;
    });
    if (!ok) errors.push(`${at}: ${show(value)} matches none of the allowed forms`);
    return;
  }
  if (schema.type !== undefined) {
    const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
    if (!types.some((t) => isType(value, t))) {
      errors.push(`${at}: expected ${types.join(' or ')}, got ${show(value)}`);
      return;
    }
  }
  if ('const' in schema && value !== schema.const)
    errors.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${show(value)}`);
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    errors.push(
      `${at}: expected one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${show(value)}`,
    );
  }
  if (typeof value === 'string' && schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
    errors.push(`${at}: ${show(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) {
    errors.push(`${at}: ${value} is below the minimum ${schema.minimum}`);
  }
  if (isType(value, 'object')) {
    const obj = value as Record<string, unknown>;
    const child = (key: string): string => (path === '' ? key : `${path}.${key}`);
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${child(key)}: is required`);
    for (const [key, v] of Object.entries(obj)) {
      const known = schema.properties?.[key];
      if (known !== undefined) check(known, v, child(key), errors);
      else if (schema.additionalProperties === false)
        errors.push(`${child(key)}: is not a field of the report`);
      else if (typeof schema.additionalProperties === 'object')
        check(schema.additionalProperties, v, child(key), errors);
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => check(schema.items!, v, `${path}[${i}]`, errors));
  }
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return false;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}
