import type { TradingState } from '../enums/trading-state.js';
import type { UnixNanos } from '../time.js';

/** The scopes limits and trading states apply to. */
export type RiskScope =
  | { readonly kind: 'global' }
  | { readonly kind: 'account'; readonly accountId: string }
  | { readonly kind: 'bot'; readonly botId: string };

/** A scope moved to ACTIVE, REDUCING or HALTED (by an operator, a kill switch or a circuit breaker). */
export interface TradingStateChanged {
  readonly type: 'TradingStateChanged';
  readonly eventId: string;
  readonly scope: RiskScope;
  readonly state: TradingState;
  readonly previous: TradingState;
  /** Who or what changed it: "operator", "kill_switch", "daily_loss_cap", "drawdown", "consecutive_rejects" … */
  readonly cause: string;
  readonly reason: string;
  readonly tsEvent: UnixNanos;
  readonly tsInit: UnixNanos;
}

export function scopeKey(scope: RiskScope): string {
  return scope.kind === 'global'
    ? 'global'
    : scope.kind === 'account'
      ? `account:${scope.accountId}`
      : `bot:${scope.botId}`;
}
