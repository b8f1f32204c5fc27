import type { BotLogger, BotMetrics, UnixNanos } from '@qubit/model';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogLine {
  readonly ts: UnixNanos;
  readonly level: LogLevel;
  readonly botId: string;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

/** Where a bot's log lines go; the runtime decides (memory for tests, stdout JSON lines, the gateway's tail). */
export type LogSink = (line: LogLine) => void;

export function botLogger(botId: string, now: () => UnixNanos, sink: LogSink): BotLogger {
  const at =
    (level: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void =>
      sink({ ts: now(), level, botId, message: String(message), fields });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Counters and gauges a bot reports, kept in memory and read by the runtime's metrics exporter. */
export class InMemoryBotMetrics implements BotMetrics {
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, number>();

  counter(name: string, value = 1, labels?: Record<string, string>): void {
    this.counterByKey(metricKey(name, labels), value);
  }

  /** Adds to the counter of a key made by `metricKey`: for a caller on a hot path that made the key once. */
  counterByKey(key: string, value = 1): void {
    this.counters.set(key, (this.counters.get(key) ?? 0) + value);
  }

  gauge(name: string, value: number, labels?: Record<string, string>): void {
    this.gauges.set(metricKey(name, labels), value);
  }
}

/** The key a metric is kept under: `name{label="value",…}`, labels in name order. */
export function metricKey(name: string, labels?: Record<string, string>): string {
  if (!labels) return name;
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `${name}{${parts.join(',')}}`;
}
