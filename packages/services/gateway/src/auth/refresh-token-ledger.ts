import { AuthError } from './auth-error.js';

/**
 * The refresh tokens that may no longer be used: each `jti` once consumed (refresh tokens are single
 * use) or revoked (logout), kept until the token would have expired anyway so memory stays bounded.
 * In memory: one process only. Several gateway processes need this in the store (a table of used jtis
 * with their expiry) or a refresh token could be spent once per process.
 */
export class RefreshTokenLedger {
  private readonly spent = new Map<string, { readonly exp: number; readonly why: 'reused' | 'revoked' }>();

  /** Marks the token used; refused when it was used or revoked before. */
  consume(jti: string, exp: number, now: number): void {
    this.prune(now);
    const seen = this.spent.get(jti);
    if (seen)
      throw new AuthError(
        seen.why,
        seen.why === 'reused' ? 'refresh token already used' : 'refresh token revoked',
      );
    this.spent.set(jti, { exp, why: 'reused' });
  }

  /** Refuses the token from now on (idempotent; a used token stays 'reused'). */
  revoke(jti: string, exp: number, now: number): void {
    this.prune(now);
    if (!this.spent.has(jti)) this.spent.set(jti, { exp, why: 'revoked' });
  }

  get size(): number {
    return this.spent.size;
  }

  private prune(now: number): void {
    for (const [jti, e] of this.spent) if (e.exp < now) this.spent.delete(jti);
  }
}
