import { describe, expect, it } from 'vitest';
import type { AuthError } from './auth-error.js';
import { RefreshTokenLedger } from './refresh-token-ledger.js';

describe('RefreshTokenLedger', () => {
  it('lets a jti be consumed once, then refuses it as reused', () => {
    const ledger = new RefreshTokenLedger();
    ledger.consume('a', 200, 100);
    expect(() => ledger.consume('a', 200, 101)).toThrow(
      expect.objectContaining({ reason: 'reused' }) as AuthError,
    );
  });

  it('refuses a revoked jti as revoked, and keeps a used one as reused', () => {
    const ledger = new RefreshTokenLedger();
    ledger.revoke('r', 200, 100);
    expect(() => ledger.consume('r', 200, 100)).toThrow(/refresh token revoked/);
    ledger.consume('u', 200, 100);
    ledger.revoke('u', 200, 100);
    expect(() => ledger.consume('u', 200, 100)).toThrow(/already used/);
  });

  it('forgets jtis once their tokens have expired, so memory stays bounded', () => {
    const ledger = new RefreshTokenLedger();
    for (let i = 0; i < 100; i++) ledger.consume(`j${i}`, 150, 100);
    ledger.consume('late', 500, 149);
    expect(ledger.size).toBe(101);
    ledger.consume('later', 500, 151);
    expect(ledger.size).toBe(2);
  });
});
