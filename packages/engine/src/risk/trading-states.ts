import {
  ModelError,
  TradingState,
  describe,
  type AccountId,
  type BotId,
  type CancelAllOrders,
  type RiskScope,
  type TraderId,
  type TradingStateChanged,
} from '@qubit/model';
import type { Bus } from '../bus/message-bus.js';
import { Topic, portfolioKey } from '../bus/topics.js';
import type { Cache } from '../cache/cache.js';
import type { Clock } from '../clock/clock.js';
import type { IdGenerator } from '../ids/id-generator.js';
import type { ScopeEntry, ScopeTable } from './scope-table.js';

const SEVERITY: Readonly<Record<TradingState, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };
const STATES: ReadonlySet<unknown> = new Set(Object.values(TradingState));

export interface TradingStatesDeps {
  readonly bus: Bus;
  readonly cache: Cache;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly scopes: ScopeTable;
  readonly traderId: TraderId;
  readonly cancelOnHalt: () => boolean;
  /** The account a bot was last seen trading in, for keying its alerts and cancels. */
  readonly accountOfBot: (botId: string) => string | undefined;
  /** Accounts with orders approved but not yet in the cache: a global halt cancels those too. */
  readonly pendingAccounts: () => Iterable<string>;
}

/**
 * Whether each scope may trade (ACTIVE, REDUCING, HALTED) and what a change sets off: a
 * TradingStateChanged on risk.alerts and, when a scope halts, CancelAllOrders for its working orders.
 * Operators set any state; breakers only escalate.
 */
export class TradingStates {
  constructor(private readonly deps: TradingStatesDeps) {}

  get(scope: RiskScope): TradingState {
    checkScope(scope);
    return this.deps.scopes.peek(scope)?.state ?? TradingState.ACTIVE;
  }

  /** Moves a scope to `state`; a no-op (no event) when it is already there. Returns whether it changed. */
  set(scope: RiskScope, state: TradingState, cause: string, reason: string): boolean {
    checkScope(scope);
    if (!STATES.has(state))
      throw new ModelError('state', `${describe(state)} is not one of ${[...STATES].join(', ')}`);
    if (typeof cause !== 'string' || cause.length === 0)
      throw new ModelError('cause', 'must be a non-empty string');
    if (typeof reason !== 'string')
      throw new ModelError('reason', `expected a string, got ${describe(reason)}`);
    return this.apply(this.deps.scopes.entry(scope), state, cause, reason);
  }

  /** Moves a scope to `state` only if that is more severe than where it is (breakers never relax a state). */
  escalate(entry: ScopeEntry, state: TradingState, cause: string, reason: string): boolean {
    if (SEVERITY[state] <= SEVERITY[entry.state]) return false;
    return this.apply(entry, state, cause, reason);
  }

  private apply(entry: ScopeEntry, state: TradingState, cause: string, reason: string): boolean {
    const previous = entry.state;
    if (previous === state) return false;
    entry.state = state;
    const { bus, clock, ids } = this.deps;
    const now = clock.now();
    const event: TradingStateChanged = {
      type: 'TradingStateChanged',
      eventId: ids.id(),
      scope: entry.scope,
      state,
      previous,
      cause,
      reason,
      tsEvent: now,
      tsInit: now,
    };
    bus.publish(Topic.RISK_ALERTS, this.alertKey(entry.scope), event);
    if (state === TradingState.HALTED && this.deps.cancelOnHalt())
      this.cancelAll(entry.scope, `${cause}: ${reason}`);
    return true;
  }

  private alertKey(scope: RiskScope): string {
    if (scope.kind === 'global') return 'global';
    if (scope.kind === 'account') return portfolioKey(scope.accountId);
    const account = this.deps.accountOfBot(scope.botId);
    return account === undefined ? 'global' : portfolioKey(account);
  }

  private cancelAll(scope: RiskScope, reason: string): void {
    const { cache } = this.deps;
    const accounts = new Set<string>();
    if (scope.kind === 'account') accounts.add(scope.accountId);
    else if (scope.kind === 'global') {
      for (const o of cache.ordersOpen()) accounts.add(o.accountId);
      for (const a of this.deps.pendingAccounts()) accounts.add(a);
    } else {
      for (const o of cache.ordersOpen({ botId: scope.botId })) accounts.add(o.accountId);
      const known = this.deps.accountOfBot(scope.botId);
      if (known !== undefined) accounts.add(known);
    }
    for (const accountId of accounts) {
      const command: CancelAllOrders = {
        type: 'CancelAllOrders',
        commandId: this.deps.ids.id(),
        traderId: this.deps.traderId,
        accountId: accountId as AccountId,
        ...(scope.kind === 'bot' ? { botId: scope.botId as BotId } : {}),
        reason,
        tsInit: this.deps.clock.now(),
      };
      this.deps.bus.publish(Topic.ORDERS_COMMANDS, portfolioKey(accountId), command);
    }
  }
}

export function checkScope(scope: RiskScope): void {
  if (scope === null || typeof scope !== 'object')
    throw new ModelError('scope', `expected a risk scope, got ${describe(scope)}`);
  if (scope.kind === 'global') return;
  if (scope.kind === 'account') {
    if (typeof scope.accountId !== 'string' || scope.accountId.length === 0) {
      throw new ModelError('scope.accountId', 'an account scope needs an account id');
    }
    return;
  }
  if (scope.kind === 'bot') {
    if (typeof scope.botId !== 'string' || scope.botId.length === 0)
      throw new ModelError('scope.botId', 'a bot scope needs a bot id');
    return;
  }
  throw new ModelError(
    'scope.kind',
    `${describe((scope as { kind: unknown }).kind)} is not global, account or bot`,
  );
}
