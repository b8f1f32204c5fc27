import type { Scope } from './scopes.js';

export type AuthenticatedVia = 'jwt' | 'api_token';

/** Who is calling, as established by AuthService.authenticate. Holds no credential. */
export class Principal {
  readonly scopes: readonly Scope[];

  constructor(
    readonly userId: string,
    readonly username: string,
    scopes: readonly Scope[],
    readonly via: AuthenticatedVia,
    /** The API token's id when via is 'api_token' (the audit names it). */
    readonly tokenId?: string,
  ) {
    this.scopes = Object.freeze([...scopes]);
  }

  /** What the audit log's `actor` column says. */
  get actor(): string {
    return this.via === 'api_token' ? `${this.username} (token ${this.tokenId ?? '?'})` : this.username;
  }
}
