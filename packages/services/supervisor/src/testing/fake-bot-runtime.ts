import type { MarketData } from '@qubit/model';
import type {
  BotExit,
  BotHandle,
  BotPhase,
  BotRuntime,
  BotRuntimeListener,
  BotSpec,
  StopMode,
} from '../runtime/bot-runtime.js';

/** A bot run the test drives by hand: it starts, beats, crashes and stops when told. */
export class FakeBotHandle implements BotHandle {
  phase: BotPhase = 'starting';
  readonly exited: Promise<BotExit>;
  readonly received: MarketData[] = [];
  readonly stops: { mode: StopMode; deadlineMs: number; reason: string | undefined }[] = [];
  private resolveExit!: (e: BotExit) => void;

  constructor(
    readonly spec: BotSpec,
    readonly listener: BotRuntimeListener,
  ) {
    this.exited = new Promise((r) => (this.resolveExit = r));
    listener.phase?.('starting');
  }

  get botId(): string {
    return this.spec.botId;
  }

  /** Loaded and onStart done. */
  run(): void {
    this.listener.started?.({
      strategy: 'fake',
      version: '1.0.0',
      cfgHash: `cfg-${this.spec.configRev}`,
      instruments: ['BTCUSDT.BINANCE'],
      barTypes: [],
    });
    this.set('running');
  }

  crash(reason: string): void {
    this.end({ phase: 'error', reason });
  }

  market(data: MarketData): void {
    this.received.push(data);
  }

  event(): void {}

  account(): void {}

  instrument(): void {}

  stop(mode: StopMode, deadlineMs: number, reason?: string): Promise<BotExit> {
    this.stops.push({ mode, deadlineMs, reason });
    if (this.phase === 'running' || this.phase === 'starting') this.set('stopping', reason);
    return this.exited;
  }

  /** The bot finished its onStop. */
  stopped(): void {
    this.end({ phase: 'stopped', reason: this.stops.at(-1)?.reason ?? 'user' });
  }

  private set(phase: BotPhase, reason?: string): void {
    this.phase = phase;
    this.listener.phase?.(phase, reason);
  }

  private end(exit: BotExit): void {
    this.set(exit.phase, exit.reason);
    this.listener.exit?.(exit);
    this.resolveExit(exit);
  }
}

/** Records every start; the test finds the handles in `runs`. */
export class FakeBotRuntime implements BotRuntime {
  readonly kind = 'fake';
  readonly runs: FakeBotHandle[] = [];

  start(spec: BotSpec, listener: BotRuntimeListener): BotHandle {
    const h = new FakeBotHandle(spec, listener);
    this.runs.push(h);
    return h;
  }

  /** The latest run of a bot. */
  last(botId: string): FakeBotHandle {
    const h = this.runs.filter((r) => r.botId === botId).at(-1);
    if (!h) throw new Error(`bot ${botId} was never started`);
    return h;
  }

  count(botId: string): number {
    return this.runs.filter((r) => r.botId === botId).length;
  }
}
