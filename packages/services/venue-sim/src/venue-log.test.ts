import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VenueLog } from './venue-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function logPath(): string {
  const d = mkdtempSync(join(tmpdir(), 'qubit-venue-log-'));
  dirs.push(d);
  return join(d, 'venue.log.jsonl');
}

describe('VenueLog', () => {
  it('writes appended entries as JSON lines once a commit resolves, in order', async () => {
    const path = logPath();
    const { log, contents } = VenueLog.open(path);
    expect(contents.lines).toEqual([]);
    log.append({ kind: 'a', n: 1 }, true);
    log.append({ kind: 'b', n: 2 }, false);
    const first = log.commit();
    log.append({ kind: 'c', n: 3 }, true);
    const second = log.commit();
    expect(second).toBe(first);
    await second;
    expect(readFileSync(path, 'utf8')).toBe('{"kind":"a","n":1}\n{"kind":"b","n":2}\n{"kind":"c","n":3}\n');
    log.close();
    expect(VenueLog.open(path).contents.lines.map((l) => l.value)).toEqual([
      { kind: 'a', n: 1 },
      { kind: 'b', n: 2 },
      { kind: 'c', n: 3 },
    ]);
  });

  it('drops a last line cut short by a crash, and cuts it off the file', () => {
    const path = logPath();
    writeFileSync(path, '{"n":1}\n{"n":2}\n{"n":');
    const { log, contents } = VenueLog.open(path);
    expect(contents.lines.map((l) => l.value)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(contents.droppedTail).toContain('line 3: dropped a torn last line (it has no end (no newline))');
    log.append({ n: 3 }, true);
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('drops garbage at the end of the file (a write lost in a power cut) but not in the middle', () => {
    const path = logPath();
    writeFileSync(path, '{"n":1}\n\u0000\u0000\u0000\n');
    const { log, contents } = VenueLog.open(path);
    expect(contents.lines).toHaveLength(1);
    expect(contents.droppedTail).toContain('line 2: dropped a torn last line (it is not JSON');
    log.close();
    writeFileSync(path, '{"n":1}\n{"n":\n{"n":3}\n');
    expect(() => VenueLog.open(path)).toThrow(
      /line 2: it is not JSON .*yet valid lines follow it \(line 3\); the log is corrupt, not torn/,
    );
  });

  it('refuses appends after close', () => {
    const { log } = VenueLog.open(logPath());
    log.close();
    expect(() => log.append({ n: 1 }, true)).toThrow('the log is closed');
  });
});
