/** Why a credential was refused; the gateway answers 401 for every one of these. */
export type AuthRefusalReason =
  | 'malformed'
  | 'bad algorithm'
  | 'bad signature'
  | 'expired'
  | 'not yet valid'
  | 'wrong issuer'
  | 'wrong audience'
  | 'wrong token type'
  | 'reused'
  | 'revoked'
  | 'unknown token'
  | 'bad credentials'
  | 'disabled';

/**
 * A refused credential. The message names the reason and where, never the credential itself: these
 * errors end up in logs and HTTP answers.
 */
export class AuthError extends Error {
  constructor(
    readonly reason: AuthRefusalReason,
    detail?: string,
  ) {
    super(
      detail === undefined
        ? `authentication refused: ${reason}`
        : `authentication refused: ${reason} (${detail})`,
    );
    this.name = 'AuthError';
  }
}

/** An authenticated principal lacking a scope; the gateway answers 403. */
export class ForbiddenError extends Error {
  constructor(
    readonly scope: string,
    readonly username: string,
    where?: string,
  ) {
    super(`${username} lacks scope ${scope}${where === undefined ? '' : ` for ${where}`}`);
    this.name = 'ForbiddenError';
  }
}

/** A bad argument to the auth core (options, a scope name, a user id): names what and where. */
export class AuthInputError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'AuthInputError';
  }
}
