import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretKey, loadSecretKey } from './secret-key.js';

const dir = mkdtempSync(join(tmpdir(), 'qubit-secret-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RAW = randomBytes(32);
const KEY_ID = createHash('sha256').update(RAW).digest('hex').slice(0, 8);

describe('SecretKey', () => {
  it('reads the same key from hex, base64, base64url, and text or raw key files', async () => {
    const hexFile = join(dir, 'hex.key');
    writeFileSync(hexFile, `${RAW.toString('hex')}\n`);
    const rawFile = join(dir, 'raw.key');
    writeFileSync(rawFile, RAW);
    const keys = [
      SecretKey.fromText(RAW.toString('hex')),
      SecretKey.fromText(RAW.toString('base64')),
      SecretKey.fromText(RAW.toString('base64url')),
      await SecretKey.fromFile(hexFile),
      await SecretKey.fromFile(rawFile),
      await loadSecretKey({ secretKey: ` ${RAW.toString('hex')} ` }),
    ];
    expect(keys.map((k) => k?.keyId)).toEqual(Array(6).fill(KEY_ID));
  });

  it('opens what it sealed only with the same key and context', () => {
    const key = SecretKey.fromText(RAW.toString('hex'));
    const sealed = key.seal(Buffer.from('payload'), 'ctx-a');
    expect(key.open(sealed, 'ctx-a')?.toString()).toBe('payload');
    expect(key.open(sealed, 'ctx-b')).toBeUndefined();
    expect(SecretKey.fromText(randomBytes(32).toString('hex')).open(sealed, 'ctx-a')).toBeUndefined();
    const altered = Buffer.from(sealed.ciphertext);
    altered[0] = altered[0]! ^ 1;
    expect(key.open({ ...sealed, ciphertext: altered }, 'ctx-a')).toBeUndefined();
    // A fresh nonce each time: the same plaintext never seals the same way twice.
    expect(key.seal(Buffer.from('payload'), 'ctx-a').ciphertext.equals(sealed.ciphertext)).toBe(false);
  });

  it('refuses keys of the wrong size without quoting them', async () => {
    const short = randomBytes(16).toString('hex');
    const err = (() => {
      try {
        SecretKey.fromText(short, 'QUBIT_SECRET_KEY');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toBe(
      'QUBIT_SECRET_KEY: expected a 32-byte key written as 64 hex digits or as base64',
    );
    expect(err?.message).not.toContain(short);
    const bad = join(dir, 'bad.key');
    writeFileSync(bad, 'not a key');
    await expect(SecretKey.fromFile(bad)).rejects.toThrow(
      `secretKeyFile: ${bad} must hold a 32-byte key: 64 hex digits, base64, or the 32 raw bytes`,
    );
    await expect(SecretKey.fromFile(join(dir, 'missing.key'))).rejects.toThrow(
      `secretKeyFile: cannot read ${join(dir, 'missing.key')}: ENOENT`,
    );
    await expect(loadSecretKey({ secretKey: 'a', secretKeyFile: bad })).rejects.toThrow(
      'secretKey: give the key or a key file, not both',
    );
    expect(await loadSecretKey({})).toBeUndefined();
  });

  it('shows only its id in strings, JSON and inspection', () => {
    const key = SecretKey.fromText(RAW.toString('hex'));
    for (const text of [String(key), JSON.stringify(key), inspect(key, { showHidden: true, depth: 9 })]) {
      expect(text).toContain(KEY_ID);
      expect(text).not.toContain(RAW.toString('hex'));
      expect(text).not.toContain(RAW.toString('base64'));
    }
  });
});
