import type { OrderEvent, TradingCommand } from '@qubit/model';

/** One record of the execution journal: a command or a venue/engine event, in the order they were journaled. */
export type JournalEntry = TradingCommand | OrderEvent;

/** A journal that can be read back on start, in journal order, to rebuild orders and positions. */
export interface JournalReader {
  load(): Promise<JournalEntry[]>;
}
