import type { Secret } from './secret.js';
import type { Scope } from './scopes.js';

/**
 * An access/refresh pair. Logging or serialising it prints `[redacted]` for both tokens; the one
 * place that writes them out is `toResponseBody()`, the answer to POST /auth/login and /auth/refresh.
 */
export class TokenPair {
  readonly tokenType = 'Bearer';

  constructor(
    readonly accessToken: Secret,
    readonly refreshToken: Secret,
    /** Seconds the access token lives. */
    readonly expiresIn: number,
  ) {}

  toResponseBody(): {
    access_token: string;
    refresh_token: string;
    token_type: 'Bearer';
    expires_in: number;
  } {
    return {
      access_token: this.accessToken.reveal(),
      refresh_token: this.refreshToken.reveal(),
      token_type: this.tokenType,
      expires_in: this.expiresIn,
    };
  }
}

/** A new API token: the plaintext exists only here, once; the store keeps its SHA-256. */
export interface IssuedApiToken {
  readonly tokenId: string;
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly expiresAt: Date | undefined;
  readonly token: Secret;
}

/** What bootstrapAdmin did. */
export type AdminBootstrap =
  | { readonly created: false }
  | {
      readonly created: true;
      readonly username: string;
      /** The generated password, to be shown once; undefined when QUBIT_ADMIN_PASSWORD was given. */
      readonly oneTimePassword: Secret | undefined;
    };
