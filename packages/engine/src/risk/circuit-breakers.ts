import {
  DenyReason,
  NANOS_PER_DAY,
  NANOS_PER_MINUTE,
  TradingState,
  type Decimal,
  type UnixNanos,
} from '@qubit/model';
import type { Clock } from '../clock/clock.js';
import type { PortfolioQueries } from '../portfolio/portfolio-queries.js';
import { amount, deny, type Denial } from './denial.js';
import type { ScopeEntry, ScopeTable } from './scope-table.js';
import type { TradingStates } from './trading-states.js';

export interface CircuitBreakersDeps {
  readonly portfolio: PortfolioQueries;
  readonly clock: Clock;
  readonly scopes: ScopeTable;
  readonly states: TradingStates;
  /** Minutes east of UTC where the trading day starts (0: the UTC date). */
  readonly tradingDayOffsetMinutes: number;
  /** Unique timer name for the day roll of this engine. */
  readonly timerName: string;
}

/**
 * The breakers that move a scope out of ACTIVE on their own: the daily loss cap (today's PnL against
 * its value when the trading day began), the drawdown from the peak PnL, and a run of venue
 * rejections. They only escalate; bringing a scope back to ACTIVE is an operator's decision.
 */
export class CircuitBreakers {
  private readonly offsetNs: bigint;
  private rolling = false;
  /** The trading day last asked for and its bounds [start, end): nearly every call falls inside it. */
  private lastDay: bigint | undefined;
  private lastDayStart = 0n;
  private lastDayEnd = 0n;

  constructor(private readonly deps: CircuitBreakersDeps) {
    this.offsetNs = BigInt(deps.tradingDayOffsetMinutes) * NANOS_PER_MINUTE;
  }

  /** Days since the epoch of the trading day that contains `ts`. */
  dayOf(ts: UnixNanos): bigint {
    // Comparisons only, while `ts` stays in the day of the last call: bigint arithmetic allocates.
    if (this.lastDay !== undefined && ts >= this.lastDayStart && ts < this.lastDayEnd) return this.lastDay;
    const shifted = ts + this.offsetNs;
    const q = shifted / NANOS_PER_DAY;
    const d = shifted < 0n && shifted % NANOS_PER_DAY !== 0n ? q - 1n : q;
    this.lastDay = d;
    this.lastDayStart = d * NANOS_PER_DAY - this.offsetNs;
    this.lastDayEnd = this.lastDayStart + NANOS_PER_DAY;
    return d;
  }

  /** Snapshots every capped scope when a trading day starts, then again at each following day start. */
  startDayRoll(): void {
    this.rolling = true;
    this.scheduleRoll(this.deps.clock.now());
  }

  stopDayRoll(): void {
    this.rolling = false;
    this.deps.clock.cancelTimer(this.deps.timerName);
  }

  /**
   * Checks one scope's daily loss cap. A breach halts the scope and is returned as a denial; so is a
   * PnL the portfolio cannot give (fail closed).
   */
  dailyLoss(entry: ScopeEntry, now: UnixNanos): Denial | undefined {
    const cap = entry.limits.dailyLossCap;
    if (cap === undefined) return undefined;
    const pnl = this.deps.portfolio.totalPnl(entry.scope);
    if (pnl === undefined) {
      return deny(
        DenyReason.DAILY_LOSS_CAP,
        `PnL of ${entry.key} is unknown, so its daily loss cap ${cap} cannot be checked`,
      );
    }
    const day = this.dayOf(now);
    if (entry.baselineDay !== day || entry.baselinePnl === undefined) {
      entry.baselineDay = day;
      entry.baselinePnl = pnl;
    }
    // Decimals are immutable and the portfolio hands out the same PnL object until something changes
    // it: the same (baseline, PnL, cap) as the last check that passed passes again.
    const cleared = entry.clearedLoss;
    if (cleared && cleared.pnl === pnl && cleared.baseline === entry.baselinePnl && cleared.cap === cap) {
      return undefined;
    }
    const loss = entry.baselinePnl.sub(pnl);
    if (!loss.gt(cap)) {
      if (cleared) {
        cleared.pnl = pnl;
        cleared.baseline = entry.baselinePnl;
        cleared.cap = cap;
      } else entry.clearedLoss = { pnl, baseline: entry.baselinePnl, cap };
      return undefined;
    }
    const reason = `daily loss ${amount(loss)} exceeds cap ${cap} for ${entry.key}`;
    this.deps.states.escalate(entry, TradingState.HALTED, 'daily_loss_cap', reason);
    return deny(DenyReason.DAILY_LOSS_CAP, reason);
  }

  /** Starts today's baseline of a scope now, unless it has one for today already. */
  baseline(entry: ScopeEntry, now: UnixNanos): void {
    if (entry.limits.dailyLossCap === undefined || entry.baselineDay === this.dayOf(now)) return;
    const pnl = this.deps.portfolio.totalPnl(entry.scope);
    if (pnl === undefined) return;
    entry.baselineDay = this.dayOf(now);
    entry.baselinePnl = pnl;
  }

  drawdown(entry: ScopeEntry): void {
    const breaker = entry.limits.drawdownBreaker;
    if (!breaker) return;
    const pnl = this.deps.portfolio.totalPnl(entry.scope);
    if (pnl === undefined) return;
    const peak: Decimal = entry.peakPnl === undefined ? pnl : entry.peakPnl.max(pnl);
    entry.peakPnl = peak;
    const dd = peak.sub(pnl);
    if (dd.gt(breaker.maxDrawdown)) {
      this.deps.states.escalate(
        entry,
        breaker.action,
        'drawdown',
        `drawdown ${amount(dd)} from peak PnL ${amount(peak)} exceeds ${breaker.maxDrawdown} for ${entry.key}`,
      );
    }
  }

  /** After a portfolio change: re-check the daily loss caps and drawdown breakers it may have moved. */
  onPortfolioUpdated(accountId: string | undefined, botId: string | undefined): void {
    const now = this.deps.clock.now();
    const { scopes } = this.deps;
    this.evaluate(scopes.global, now);
    const a = accountId === undefined ? undefined : scopes.peekAccount(accountId);
    if (a) this.evaluate(a, now);
    const b = botId === undefined ? undefined : scopes.peekBot(botId);
    if (b) this.evaluate(b, now);
  }

  onRejected(accountId: string | undefined, botId: string | undefined): void {
    const { scopes } = this.deps;
    this.countReject(scopes.global);
    if (accountId !== undefined) this.countReject(scopes.account(accountId));
    if (botId !== undefined) this.countReject(scopes.bot(botId));
  }

  /** An acceptance or a fill ends a run of rejections in every scope it belongs to. */
  onAccepted(accountId: string | undefined, botId: string | undefined): void {
    const { scopes } = this.deps;
    scopes.global.consecutiveRejects = 0;
    const a = accountId === undefined ? undefined : scopes.peekAccount(accountId);
    if (a) a.consecutiveRejects = 0;
    const b = botId === undefined ? undefined : scopes.peekBot(botId);
    if (b) b.consecutiveRejects = 0;
  }

  private evaluate(entry: ScopeEntry, now: UnixNanos): void {
    // Only a breach changes anything here; an unknown PnL is left to stage 2, which denies orders on it.
    this.dailyLoss(entry, now);
    this.drawdown(entry);
  }

  private countReject(entry: ScopeEntry): void {
    entry.consecutiveRejects++;
    const breaker = entry.limits.rejectBreaker;
    if (breaker && entry.consecutiveRejects >= breaker.consecutive) {
      this.deps.states.escalate(
        entry,
        breaker.action,
        'consecutive_rejects',
        `${entry.consecutiveRejects} consecutive venue rejections for ${entry.key} (limit ${breaker.consecutive})`,
      );
    }
  }

  private scheduleRoll(now: UnixNanos): void {
    const next = (this.dayOf(now) + 1n) * NANOS_PER_DAY - this.offsetNs;
    this.deps.clock.setTimer(this.deps.timerName, next, (_name, ts) => {
      if (!this.rolling) return;
      for (const entry of this.deps.scopes.all()) {
        entry.baselineDay = undefined;
        entry.baselinePnl = undefined;
        this.baseline(entry, ts);
      }
      this.scheduleRoll(ts);
    });
  }
}
