import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hashing.js';

describe('password hashing', () => {
  it('hashes with argon2id and the stated parameters, salted', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one with a reason', async () => {
    const h = await hashPassword('correct horse');
    expect(await verifyPassword(h, 'correct horse')).toEqual({ ok: true });
    expect(await verifyPassword(h, 'wrong horse')).toEqual({ ok: false, reason: 'wrong password' });
  });

  it('never throws on a malformed stored hash: false with the reason', async () => {
    for (const bad of ['', 'plaintext', '$argon2id$v=19$garbage', '$argon2id$v=19$m=19456,t=2,p=1$!!$!!']) {
      const got = await verifyPassword(bad, 'pw');
      expect(got.ok).toBe(false);
      if (!got.ok) expect(got.reason).toMatch(/stored hash/);
    }
    expect(await verifyPassword(undefined as unknown as string, 'pw')).toMatchObject({ ok: false });
  });

  it('refuses empty and oversized passwords before hashing', async () => {
    await expect(hashPassword('')).rejects.toThrow(/password: must be a non-empty string/);
    await expect(hashPassword('x'.repeat(1025))).rejects.toThrow(/longer than 1024/);
    const h = await hashPassword('pw');
    expect(await verifyPassword(h, 'x'.repeat(1025))).toMatchObject({ ok: false });
  });
});
