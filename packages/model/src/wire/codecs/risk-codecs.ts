import { TradingStateValues } from '../../enums/trading-state.js';
import type { RiskScope, TradingStateChanged } from '../../events/risk-events.js';
import { ModelError } from '../../errors.js';
import type { WireCodec } from '../codec.js';
import { Fields, enumOf, nanos, nonEmptyStr, str, type JsonObject, type Reader } from '../schema.js';
import { accountId, botId } from './order-fields.js';

const tradingState = enumOf(TradingStateValues);

/** `{"kind":"global"}`, `{"kind":"account","account_id":…}` or `{"kind":"bot","bot_id":…}`. */
const scope: Reader<RiskScope> = (v, path, ctx) => {
  const f = Fields.of(v, path, ctx);
  const kind = f.get('kind', str);
  switch (kind) {
    case 'global':
      return { kind };
    case 'account':
      return { kind, accountId: f.get('account_id', accountId) };
    case 'bot':
      return { kind, botId: f.get('bot_id', botId) };
    default:
      throw new ModelError(f.at('kind'), `"${kind}" is not one of global, account, bot`);
  }
};

function encodeScope(s: RiskScope): JsonObject {
  switch (s.kind) {
    case 'global':
      return { kind: 'global' };
    case 'account':
      return { kind: 'account', account_id: s.accountId };
    case 'bot':
      return { kind: 'bot', bot_id: s.botId };
  }
}

export const TradingStateChangedCodec: WireCodec<TradingStateChanged> = {
  type: 'TradingStateChanged',
  v: 1,
  encode: (m) => ({
    event_id: m.eventId,
    scope: encodeScope(m.scope),
    state: m.state,
    previous: m.previous,
    cause: m.cause,
    reason: m.reason,
    ts_event: m.tsEvent.toString(),
    ts_init: m.tsInit.toString(),
  }),
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    return {
      type: 'TradingStateChanged',
      eventId: f.get('event_id', nonEmptyStr),
      scope: f.get('scope', scope),
      state: f.get('state', tradingState),
      previous: f.get('previous', tradingState),
      cause: f.get('cause', str),
      reason: f.get('reason', str),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const RISK_CODECS = [TradingStateChangedCodec] as const;
