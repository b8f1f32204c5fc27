import { describe, expect, it } from 'vitest';
import { BOT_UUID_NAMESPACE, URL_NAMESPACE, botUuid, uuidV5 } from './bot-uuid.js';

describe('botUuid', () => {
  it('computes RFC 4122 version 5 UUIDs', () => {
    // The RFC's DNS namespace example, as every uuid library reproduces it.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('derives the bot namespace as documented', () => {
    expect(uuidV5('qubit:bot-id', URL_NAMESPACE)).toBe(BOT_UUID_NAMESPACE);
  });

  it('gives every BotId the same UUID every time, and different ids different UUIDs', () => {
    const a = botUuid('sma-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(botUuid('sma-1')).toBe(a);
    expect(botUuid('sma-2')).not.toBe(a);
    expect(a).toBe(uuidV5('sma-1', BOT_UUID_NAMESPACE));
  });

  it('keeps a BotId that is already a UUID, lower-cased', () => {
    expect(botUuid('3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toBe('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
  });

  it('refuses what is not a BotId', () => {
    expect(() => botUuid('has space')).toThrow('botId: "has space" is not a valid BotId');
    expect(() => botUuid(undefined as never, 'bots[2].botId')).toThrow(
      'bots[2].botId: BotId must be a string',
    );
  });
});
