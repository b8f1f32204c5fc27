import type { OrderEvent, TradingCommand } from '@qubit/model';

/**
 * Write-ahead journal of execution. A command is recorded before any venue sees it and every venue
 * report is recorded before it changes the cache or the portfolio. A journal that returns a promise
 * (a database) is awaited first; one that returns nothing (memory, backtests) keeps the kernel synchronous.
 */
export interface ExecutionJournal {
  recordCommand(command: TradingCommand): void | Promise<void>;
  recordEvent(event: OrderEvent): void | Promise<void>;
}

/** Keeps the journal in memory: for backtests and tests, and as a record to compare with. */
export class InMemoryJournal implements ExecutionJournal {
  readonly commands: TradingCommand[] = [];
  readonly events: OrderEvent[] = [];

  recordCommand(command: TradingCommand): void {
    this.commands.push(command);
  }

  recordEvent(event: OrderEvent): void {
    this.events.push(event);
  }
}

/**
 * Counts what it is given and keeps nothing: for backtests, which need no durability and should not
 * hold every command of a long run in memory. Use InMemoryJournal when the record itself is wanted.
 */
export class CountingJournal implements ExecutionJournal {
  commands = 0;
  events = 0;

  recordCommand(): void {
    this.commands++;
  }

  recordEvent(): void {
    this.events++;
  }
}
