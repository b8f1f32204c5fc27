import { createHash } from 'node:crypto';
import { BotId } from '@qubit/model';
import { StoreError } from './store-error.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RFC 4122's URL namespace, under which the bot namespace below is derived. */
export const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/**
 * The namespace of bot UUIDs: uuidV5('qubit:bot-id', URL_NAMESPACE), written out so that any other
 * language can reproduce botUuid without this code.
 */
export const BOT_UUID_NAMESPACE = '466decc1-5ba1-5ac6-8513-00fa515df5e6';

/**
 * The UUID that seed 000's tables key a bot by. Our BotId is any identifier ("sma-1"): a BotId that is
 * already a UUID is used as it is (lower-cased); any other becomes the name-based UUID v5 (SHA-1) of its
 * text in BOT_UUID_NAMESPACE. Deterministic: the same BotId always gives the same UUID, on every machine.
 */
export function botUuid(botId: string, field = 'botId'): string {
  const id = BotId(botId, field);
  return UUID_RE.test(id) ? id.toLowerCase() : uuidV5(id, BOT_UUID_NAMESPACE);
}

/** RFC 4122 §4.3: a name-based UUID, version 5 (SHA-1). */
export function uuidV5(name: string, namespace: string): string {
  if (!UUID_RE.test(namespace)) throw new StoreError('namespace', `"${namespace}" is not a UUID`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
