import { describe, expect, it } from 'vitest';
import { ForbiddenError } from './auth-error.js';
import {
  ALL_SCOPES,
  hasScope,
  parseScopes,
  requireScope,
  ROLE_SCOPES,
  Scope,
  scopesOfUser,
  scopesWithin,
} from './scopes.js';

describe('scopes', () => {
  it('are exactly the seven of issue 6', () => {
    expect([...ALL_SCOPES].sort()).toEqual([
      'admin',
      'bots:operate',
      'bots:read',
      'bots:write',
      'orders:read',
      'orders:write',
      'risk:admin',
    ]);
  });

  it('admin implies every scope', () => {
    for (const s of ALL_SCOPES) expect(hasScope([Scope.ADMIN], s)).toBe(true);
  });

  it('roles default: viewer reads, trader operates but cannot administer risk', () => {
    expect(scopesOfUser({ role: 'viewer', scopes: [] })).toEqual(['bots:read', 'orders:read']);
    const trader = ROLE_SCOPES.trader;
    expect(hasScope(trader, Scope.BOTS_OPERATE)).toBe(true);
    expect(hasScope(trader, Scope.RISK_ADMIN)).toBe(false);
    expect(scopesOfUser({ role: 'viewer', scopes: ['orders:write'] })).toEqual(['orders:write']);
    expect(scopesOfUser({ role: 'nobody', scopes: [] })).toEqual([]);
  });

  it('requireScope passes a holder and refuses others with a 403 error naming scope and user', () => {
    expect(() => requireScope({ username: 'v', scopes: ['bots:read'] }, Scope.BOTS_READ)).not.toThrow();
    expect(() =>
      requireScope({ username: 'v', scopes: ['bots:read'] }, Scope.BOTS_WRITE, 'POST /bots'),
    ).toThrow(new ForbiddenError('bots:write', 'v', 'POST /bots'));
    expect(() => requireScope({ username: 'v', scopes: ['bots:read'] }, Scope.BOTS_WRITE)).toThrow(
      /v lacks scope bots:write/,
    );
  });

  it('scopesWithin and parseScopes check subsets and names', () => {
    expect(scopesWithin([Scope.BOTS_READ], ['bots:read', 'orders:read'])).toBe(true);
    expect(scopesWithin([Scope.ORDERS_WRITE], ['bots:read'])).toBe(false);
    expect(() => parseScopes(['bots:read', 'bots:fly'], 'scopes')).toThrow(
      /scopes\[1\]: "bots:fly" is not one of/,
    );
    expect(() => parseScopes('admin', 'scopes')).toThrow(/scopes: must be an array/);
  });
});
