/**
 * Deterministic ids for events and commands: a prefix and a counter. A backtest replayed with the
 * same inputs gives the same ids; live, the prefix includes the process start so ids stay unique.
 */
export class IdGenerator {
  private next = 0;

  constructor(private readonly prefix: string) {}

  id(): string {
    return `${this.prefix}-${(this.next++).toString(36)}`;
  }
}
