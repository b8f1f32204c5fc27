import { TradingState, scopeKey, type Decimal, type RiskScope } from '@qubit/model';
import type { RiskLimits } from './risk-limits.js';
import type { SlidingWindow } from './rate-limiter.js';

/**
 * Everything the RiskEngine keeps about one scope (global, one account, one bot), held in one record
 * so that the order path costs a single map lookup per scope.
 */
export interface ScopeEntry {
  readonly scope: RiskScope;
  readonly key: string;
  limits: RiskLimits;
  state: TradingState;
  /** Recent approved submits and modifies, kept only while a submit-rate limit is configured. */
  submits?: SlidingWindow;
  consecutiveRejects: number;
  /** Highest total PnL seen, for the drawdown breaker. */
  peakPnl?: Decimal;
  /** Trading day (days since epoch, offset applied) the baseline belongs to. */
  baselineDay?: bigint;
  /** Total PnL at the start of `baselineDay`. */
  baselinePnl?: Decimal;
  /** The inputs of the last daily-loss check that found the loss within the cap (see CircuitBreakers). */
  clearedLoss?: { pnl: Decimal; baseline: Decimal; cap: Decimal };
}

const NO_LIMITS: RiskLimits = Object.freeze({});

/** The scope records, created on first write; reads of unknown scopes create nothing. */
export class ScopeTable {
  readonly global: ScopeEntry = entry({ kind: 'global' });
  private readonly accounts = new Map<string, ScopeEntry>();
  private readonly bots = new Map<string, ScopeEntry>();

  peekAccount(accountId: string): ScopeEntry | undefined {
    return this.accounts.get(accountId);
  }

  peekBot(botId: string): ScopeEntry | undefined {
    return this.bots.get(botId);
  }

  account(accountId: string): ScopeEntry {
    let e = this.accounts.get(accountId);
    if (!e) this.accounts.set(accountId, (e = entry({ kind: 'account', accountId })));
    return e;
  }

  bot(botId: string): ScopeEntry {
    let e = this.bots.get(botId);
    if (!e) this.bots.set(botId, (e = entry({ kind: 'bot', botId })));
    return e;
  }

  peek(scope: RiskScope): ScopeEntry | undefined {
    if (scope.kind === 'global') return this.global;
    return scope.kind === 'account' ? this.accounts.get(scope.accountId) : this.bots.get(scope.botId);
  }

  entry(scope: RiskScope): ScopeEntry {
    if (scope.kind === 'global') return this.global;
    return scope.kind === 'account' ? this.account(scope.accountId) : this.bot(scope.botId);
  }

  /** Every scope that has a record, global first. */
  *all(): IterableIterator<ScopeEntry> {
    yield this.global;
    yield* this.accounts.values();
    yield* this.bots.values();
  }
}

function entry(scope: RiskScope): ScopeEntry {
  return {
    scope,
    key: scopeKey(scope),
    limits: NO_LIMITS,
    state: TradingState.ACTIVE,
    consecutiveRejects: 0,
  };
}
