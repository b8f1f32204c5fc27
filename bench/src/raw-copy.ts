import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AggressorSide, type TradeTick } from '@qubit/model';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * The peer: the same trades turned into the same COPY text by the shortest code that does it, streamed
 * in chunks while the server takes them (formatting and loading overlap), in one COPY. No checks, no
 * batches, no duplicate handling: the floor the writer is held to.
 */
export async function rawCopy(
  conn: pg.Client,
  ticks: readonly TradeTick[],
  table = 'bench_ticks_copy',
): Promise<number> {
  const t0 = process.hrtime.bigint();
  await pipeline(
    Readable.from(copyChunks(ticks)),
    conn.query(copyFrom(`COPY ${table} (ts, symbol, price, volume, venue, trade_id, side) FROM STDIN`)),
  );
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function* copyChunks(ticks: readonly TradeTick[]): Generator<string> {
  const CHUNK = 5_000;
  let second = -1n;
  let prefix = '';
  for (let from = 0; from < ticks.length; from += CHUNK) {
    const lines: string[] = [];
    for (const t of ticks.slice(from, from + CHUNK)) {
      const us = t.tsEvent / 1000n;
      const s = us / 1_000_000n;
      if (s !== second) {
        second = s;
        prefix = new Date(Number(s) * 1000).toISOString().slice(0, 19);
      }
      const side =
        t.aggressorSide === AggressorSide.BUYER
          ? 'buy'
          : t.aggressorSide === AggressorSide.SELLER
            ? 'sell'
            : '\\N';
      const venue = t.instrumentId.slice(t.instrumentId.lastIndexOf('.') + 1);
      lines.push(
        `${prefix}.${(us % 1_000_000n).toString().padStart(6, '0')}Z\t${t.instrumentId}\t${t.price}\t${t.size}\t${venue}\t${t.tradeId}\t${side}`,
      );
    }
    yield lines.join('\n') + '\n';
  }
}
