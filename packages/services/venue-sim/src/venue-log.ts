import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';

/** One complete line read back from the log, with its 1-based line number for error messages. */
export interface LogLine {
  readonly line: number;
  /** Where the line starts in the file, in bytes. */
  readonly offset: number;
  readonly value: unknown;
}

export interface LogContents {
  readonly lines: LogLine[];
  /** Set when a torn tail was dropped: what was dropped and why. */
  readonly droppedTail: string | undefined;
}

/**
 * The venue's append-only JSON-lines log. Lines are buffered and written together once per turn of the
 * event loop; the batch is fsync'd when it holds a line that must survive a crash (a command, an order
 * report) before any of the `commit()` promises waiting on it resolve, which is when the venue answers
 * the HTTP request or sends the report. A line written without fsync (a quote) can only be lost together
 * with everything after it, because the file is only ever appended to.
 *
 * A write or fsync that fails leaves the log `broken`: from then on every append throws, so the venue stops
 * accepting commands rather than acknowledging what is not on disk.
 */
export class VenueLog {
  private readonly fd: number;
  private pending: string[] = [];
  private pendingDurable = false;
  private scheduled: Promise<void> | undefined;
  private failure: Error | undefined;
  private closed = false;
  /** Where the next write goes: the end of the valid part of the file. */
  private position = 0;
  /** Bytes were written since the last fsync. */
  private unsynced = false;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Reads the log at `path` (none yet is an empty log) and opens it for appending. A last line cut short
   * by a crash (no newline, or not JSON, with nothing valid after it) is dropped and cut off the file, and
   * reported in `droppedTail`; a line that is not JSON before valid lines is corruption and an error naming
   * the line.
   */
  static open(path: string): { log: VenueLog; contents: LogContents } {
    const contents = existsSync(path) ? readLog(path) : { lines: [], droppedTail: undefined, validBytes: 0 };
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    try {
      // Cut a torn tail so the next line starts on a line of its own; appends then go to the end.
      ftruncateSync(fd, contents.validBytes);
      fdatasyncSync(fd);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    const log = new VenueLog(path, fd);
    log.position = contents.validBytes;
    return { log, contents: { lines: contents.lines, droppedTail: contents.droppedTail } };
  }

  /** Bytes written to the file so far (buffered lines not included). */
  get size(): number {
    return this.position;
  }

  /** Writes what is buffered and fsyncs the file, quotes included: what a snapshot needs before it is taken. */
  sync(): void {
    if (this.failure) throw this.failure;
    if (this.pending.length > 0) {
      this.pendingDurable = true;
      this.flush();
    } else if (this.unsynced) {
      try {
        this.fsync();
      } catch (e) {
        throw this.fail(e);
      }
    }
  }

  /** Why the log stopped accepting lines, when it did. */
  get broken(): Error | undefined {
    return this.failure;
  }

  /** Buffers one entry; `durable` entries are fsync'd before the commit that covers them resolves. */
  append(entry: object, durable: boolean): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error(`${this.path}: the log is closed`);
    this.pending.push(JSON.stringify(entry));
    if (durable) this.pendingDurable = true;
  }

  /** Resolves once every entry appended so far is written (and fsync'd, if any was durable). */
  commit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.length === 0) return this.scheduled ?? Promise.resolve();
    this.scheduled ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.scheduled = undefined;
        try {
          this.flush();
          resolve();
        } catch (e) {
          reject(e as Error);
        }
      });
    });
    return this.scheduled;
  }

  /** Writes (and fsyncs) what is buffered now; used on close and by commit. */
  flush(): void {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    const durable = this.pendingDurable;
    this.pending = [];
    this.pendingDurable = false;
    try {
      const bytes = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < bytes.length) {
        const n = writeSync(this.fd, bytes, off, bytes.length - off, this.position);
        off += n;
        this.position += n;
      }
      this.unsynced = true;
      if (durable) this.fsync();
    } catch (e) {
      throw this.fail(e);
    }
  }

  private fail(e: unknown): Error {
    this.failure = new Error(
      `${this.path}: the venue log cannot be written (${(e as Error).message}); restart the venue`,
      { cause: e },
    );
    return this.failure;
  }

  private fsync(): void {
    fdatasyncSync(this.fd);
    this.unsynced = false;
  }

  close(): void {
    if (this.closed) return;
    try {
      if (!this.failure) {
        this.pendingDurable = true;
        this.flush();
      }
    } finally {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}

function readLog(path: string): LogContents & { validBytes: number } {
  const buf = readFileSync(path);
  const lines: LogLine[] = [];
  let start = 0;
  let lineNo = 0;
  let validBytes = 0;
  let bad: { line: number; reason: string } | undefined;
  while (start < buf.length) {
    const nl = buf.indexOf(0x0a, start);
    lineNo++;
    if (nl === -1) {
      // No newline: the write of this line was cut short.
      return {
        lines,
        validBytes,
        droppedTail: tornTail(path, bad ?? { line: lineNo, reason: 'it has no end (no newline)' }),
      };
    }
    const text = buf.toString('utf8', start, nl);
    const lineStart = start;
    start = nl + 1;
    if (text.trim() === '') {
      if (!bad) validBytes = start;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text) as unknown;
    } catch (e) {
      bad ??= { line: lineNo, reason: `it is not JSON (${(e as Error).message})` };
      continue;
    }
    if (bad) {
      throw new Error(
        `${path} line ${bad.line}: ${bad.reason}, yet valid lines follow it (line ${lineNo}); the log is corrupt, not torn — restore it or start on a fresh data directory`,
      );
    }
    lines.push({ line: lineNo, offset: lineStart, value });
    validBytes = start;
  }
  return { lines, validBytes, droppedTail: bad ? tornTail(path, bad) : undefined };
}

function tornTail(path: string, bad: { line: number; reason: string }): string {
  return `${path} line ${bad.line}: dropped a torn last line (${bad.reason}), the trace of a crash in the middle of a write`;
}
