import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  simulatedVenueStateFromJson,
  simulatedVenueStateToJson,
  type SimulatedVenueState,
} from '@qubit/engine';
import {
  ModelError,
  wireSchema,
  type DecodeContext,
  type Envelope,
  type JsonObject,
  type UnixNanos,
} from '@qubit/model';

export const SNAPSHOT_FILE = 'venue.snapshot.json';
const FORMAT = 'qubit.venue-sim-snapshot';
const VERSION = 1;

/**
 * The venue's state at one point of its log: the SimulatedVenue's exported state plus what the server
 * remembers (received ids, counters, last quotes). A start restores it and replays only the log after
 * `logBytes`; the log stays the source of truth, so a snapshot that is missing, unreadable or does not fit
 * the log is ignored with a warning and the whole log is replayed.
 */
export interface VenueSnapshot {
  readonly incarnation: string;
  /** Everything in the log before this byte offset is in the snapshot. */
  readonly logBytes: number;
  readonly takenAt: UnixNanos;
  readonly venue: SimulatedVenueState;
  readonly lastSeq: bigint;
  readonly submits: number;
  readonly fills: number;
  readonly starts: number;
  readonly duplicateSubmits: readonly string[];
  readonly receivedOrders: readonly string[];
  readonly receivedCommands: readonly string[];
  /** The last quote of each instrument, as envelopes. */
  readonly lastQuotes: readonly Envelope[];
}

export function snapshotToJson(s: VenueSnapshot): JsonObject {
  return {
    format: FORMAT,
    version: VERSION,
    incarnation: s.incarnation,
    log_bytes: s.logBytes,
    taken_at: s.takenAt.toString(),
    last_seq: s.lastSeq.toString(),
    submits: s.submits,
    fills: s.fills,
    starts: s.starts,
    duplicate_submits: [...s.duplicateSubmits],
    received_orders: [...s.receivedOrders],
    received_commands: [...s.receivedCommands],
    last_quotes: s.lastQuotes.map((e) => e as unknown as JsonObject),
    venue: simulatedVenueStateToJson(s.venue),
  };
}

/** Reads a snapshot's JSON; anything wrong is a ModelError naming the field. */
export function snapshotFromJson(json: unknown, ctx: DecodeContext): VenueSnapshot {
  const { Fields, str, nonEmptyStr, nonNegativeInt, nanos, array } = wireSchema;
  const f = Fields.of(json, 'snapshot', ctx);
  const format = f.get('format', str);
  if (format !== FORMAT) throw new ModelError(f.at('format'), `"${format}" is not ${FORMAT}`);
  const version = f.get('version', nonNegativeInt);
  if (version !== VERSION) throw new ModelError(f.at('version'), `version ${version} is not ${VERSION}`);
  return {
    incarnation: f.get('incarnation', nonEmptyStr),
    logBytes: f.get('log_bytes', nonNegativeInt),
    takenAt: f.get('taken_at', nanos),
    lastSeq: f.get('last_seq', nanos),
    submits: f.get('submits', nonNegativeInt),
    fills: f.get('fills', nonNegativeInt),
    starts: f.get('starts', nonNegativeInt),
    duplicateSubmits: f.get('duplicate_submits', array(nonEmptyStr)),
    receivedOrders: f.get('received_orders', array(nonEmptyStr)),
    receivedCommands: f.get('received_commands', array(nonEmptyStr)),
    lastQuotes: f.get(
      'last_quotes',
      array((v) => v as Envelope),
    ),
    venue: simulatedVenueStateFromJson((json as Record<string, unknown>).venue, ctx),
  };
}

/** Writes the snapshot next to the log: a temporary file, fsync'd, renamed over the old one. */
export function writeSnapshot(dataDir: string, snapshot: VenueSnapshot): void {
  const path = join(dataDir, SNAPSHOT_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const bytes = Buffer.from(JSON.stringify(snapshotToJson(snapshot)), 'utf8');
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  // The rename is durable only once the directory is.
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** The snapshot in `dataDir`, undefined when there is none; a file that does not read is an error naming it. */
export function readSnapshot(dataDir: string, ctx: DecodeContext): VenueSnapshot | undefined {
  const path = join(dataDir, SNAPSHOT_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (e) {
    throw new Error(`${path}: is not JSON (${(e as Error).message})`, { cause: e });
  }
  try {
    return snapshotFromJson(json, ctx);
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}
