import { AuthInputError, ForbiddenError } from './auth-error.js';

/** The scopes of seed 000 §6 and issue 6; `admin` implies every other. */
export const Scope = {
  BOTS_READ: 'bots:read',
  BOTS_WRITE: 'bots:write',
  BOTS_OPERATE: 'bots:operate',
  ORDERS_READ: 'orders:read',
  ORDERS_WRITE: 'orders:write',
  RISK_ADMIN: 'risk:admin',
  ADMIN: 'admin',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

export const ALL_SCOPES: readonly Scope[] = Object.freeze(Object.values(Scope));

export const Role = { ADMIN: 'admin', TRADER: 'trader', VIEWER: 'viewer' } as const;
export type Role = (typeof Role)[keyof typeof Role];

/**
 * A role's scopes when a user has none of their own. A trader runs bots and trades but cannot change
 * risk limits or lift a halt; a viewer only reads.
 */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = Object.freeze({
  admin: [Scope.ADMIN],
  trader: [Scope.BOTS_READ, Scope.BOTS_WRITE, Scope.BOTS_OPERATE, Scope.ORDERS_READ, Scope.ORDERS_WRITE],
  viewer: [Scope.BOTS_READ, Scope.ORDERS_READ],
});

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (ALL_SCOPES as readonly string[]).includes(value);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && Object.hasOwn(ROLE_SCOPES, value);
}

/** Checks a list of scope names; `where` names it in the error. */
export function parseScopes(values: unknown, where: string): Scope[] {
  if (!Array.isArray(values)) throw new AuthInputError(where, 'must be an array of scope names');
  return values.map((v, i) => {
    if (!isScope(v)) {
      throw new AuthInputError(
        `${where}[${i}]`,
        `${JSON.stringify(v)} is not one of ${ALL_SCOPES.join(', ')}`,
      );
    }
    return v;
  });
}

/** A user's effective scopes: their own when set, else their role's (an unknown role grants nothing). */
export function scopesOfUser(user: { readonly role: string; readonly scopes: readonly string[] }): Scope[] {
  const own = user.scopes.filter(isScope);
  if (own.length > 0) return own;
  return isRole(user.role) ? [...ROLE_SCOPES[user.role]] : [];
}

export function hasScope(granted: readonly string[], scope: Scope): boolean {
  return granted.includes(Scope.ADMIN) || granted.includes(scope);
}

/** True when everything `wanted` allows, `granted` allows too. */
export function scopesWithin(wanted: readonly Scope[], granted: readonly string[]): boolean {
  return wanted.every((s) => hasScope(granted, s));
}

/** Throws ForbiddenError (403) unless the principal holds `scope` or admin. */
export function requireScope(
  principal: { readonly username: string; readonly scopes: readonly string[] },
  scope: Scope,
  where?: string,
): void {
  if (!hasScope(principal.scopes, scope)) throw new ForbiddenError(scope, principal.username, where);
}
