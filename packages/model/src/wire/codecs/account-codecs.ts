import { AccountTypeValues } from '../../enums/account-type.js';
import type { AccountBalance, AccountState } from '../../events/account-state.js';
import type { WireCodec } from '../codec.js';
import {
  Fields,
  array,
  bool,
  currencyCode,
  encodeMoney,
  enumOf,
  money,
  nanos,
  nonEmptyStr,
  type JsonObject,
  type Reader,
} from '../schema.js';
import { accountId } from './order-fields.js';

const accountType = enumOf(AccountTypeValues);

/** Balances are relayed as given: whether total = free + locked is the accounting's concern, not the wire's. */
const balance: Reader<AccountBalance> = (v, path, ctx) => {
  const f = Fields.of(v, path, ctx);
  return { total: f.get('total', money), locked: f.get('locked', money), free: f.get('free', money) };
};
const balances = array(balance);

export const AccountStateCodec: WireCodec<AccountState> = {
  type: 'AccountState',
  v: 1,
  encode(m) {
    const list = new Array<JsonObject>(m.balances.length);
    for (let i = 0; i < m.balances.length; i++) {
      const b = m.balances[i] as AccountBalance;
      list[i] = { total: encodeMoney(b.total), locked: encodeMoney(b.locked), free: encodeMoney(b.free) };
    }
    return {
      event_id: m.eventId,
      account_id: m.accountId,
      account_type: m.accountType,
      base_currency: m.baseCurrency,
      balances: list,
      margin_used: encodeMoney(m.marginUsed),
      equity: encodeMoney(m.equity),
      reported: m.reported,
      ts_event: m.tsEvent.toString(),
      ts_init: m.tsInit.toString(),
    };
  },
  decode(payload, ctx, path) {
    const f = Fields.of(payload, path, ctx);
    return {
      type: 'AccountState',
      eventId: f.get('event_id', nonEmptyStr),
      accountId: f.get('account_id', accountId),
      accountType: f.get('account_type', accountType),
      baseCurrency: f.get('base_currency', currencyCode),
      balances: f.get('balances', balances),
      marginUsed: f.get('margin_used', money),
      equity: f.get('equity', money),
      reported: f.get('reported', bool),
      tsEvent: f.get('ts_event', nanos),
      tsInit: f.get('ts_init', nanos),
    };
  },
};

export const ACCOUNT_CODECS = [AccountStateCodec] as const;
