import type { UnixNanos } from '@qubit/model';
import { VenueMessageError } from './venue-message-error.js';

/** One message of a recorded session: when it arrived, the URL it came from (HTTP only) and its JSON body. */
export interface RecordedMessage {
  readonly receivedAt: UnixNanos;
  readonly url?: string;
  readonly payload: unknown;
}

export interface Recording {
  /** The WebSocket URL of the session (its `URL <-> ts` header), absent for HTTP recordings. */
  readonly url?: string;
  readonly messages: readonly RecordedMessage[];
}

const WS_HEADER = /^(\S+) <-> (\d+(?:\.\d+)?)$/;
const HTTP_LINE = /^(\S+) -> (\d+(?:\.\d+)?): (.*)$/;
const WS_LINE = /^(\d+(?:\.\d+)?): (.*)$/;
const SENT_LINE = /^\S+ <- \d+(?:\.\d+)?: /;
const CONFIG_LINE = /^configuration: /;

/**
 * Reads a cryptofeed session recording: `URL <-> ts` opens a WebSocket session, `ts: <json>` is a received
 * message, `URL <- ts: <json>` one we sent and `configuration: <json>` cryptofeed's own settings (both skipped), and `URL -> ts: <json>` an HTTP response body.
 * Times are epoch seconds with a fraction, kept exactly as nanoseconds.
 */
export function readRecording(text: string): Recording {
  let url: string | undefined;
  const messages: RecordedMessage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    if (line === '' || SENT_LINE.test(line) || CONFIG_LINE.test(line)) continue;
    const header = WS_HEADER.exec(line);
    if (header) {
      url = header[1];
      continue;
    }
    const http = HTTP_LINE.exec(line);
    const ws = http ? undefined : WS_LINE.exec(line);
    const [time, body] = http ? [http[2]!, http[3]!] : ws ? [ws[1]!, ws[2]!] : [undefined, undefined];
    if (time === undefined || body === undefined) {
      throw new VenueMessageError(
        'recording',
        'line',
        `line ${i + 1}`,
        line,
        'is not "ts: <json>" nor "URL -> ts: <json>"',
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch (e) {
      throw new VenueMessageError(
        'recording',
        'line',
        `line ${i + 1}`,
        body,
        `is not JSON (${(e as Error).message})`,
      );
    }
    messages.push({ receivedAt: secondsToNanos(time), ...(http ? { url: http[1]! } : {}), payload });
  }
  return { ...(url !== undefined ? { url } : {}), messages };
}

function secondsToNanos(text: string): UnixNanos {
  const [whole, fraction = ''] = text.split('.');
  return BigInt(whole!) * 1_000_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
}
