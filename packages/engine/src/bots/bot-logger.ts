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
    const k = key(name, labels);
    this.counters.set(k, (this.counters.get(k) ?? 0) + value);
  }

  gauge(name: string, value: number, labels?: Record<string, string>): void {
    this.gauges.set(key(name, labels), value);
  }
}

function key(name: string, labels?: Record<string, string>): string {
  if (!labels) return name;
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `${name}{${parts.join(',')}}`;
}
