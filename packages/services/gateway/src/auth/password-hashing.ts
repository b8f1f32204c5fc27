import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/**
 * argon2id (RFC 9106) with OWASP's first recommended setting: m = 19 MiB, t = 2, p = 1. argon2id
 * resists both GPU cracking (data-dependent passes) and side channels (the first pass is
 * data-independent). 19 MiB × 2 passes costs ≈ 20–40 ms per login here, cheap for a person and
 * expensive for a guesser; more memory would let a burst of logins exhaust a small embedded box.
 * p = 1 because the gateway serves concurrent logins on the libuv pool already. The parameters are
 * stored in the PHC string, so raising them later still verifies old hashes.
 */
export const PASSWORD_HASH_OPTIONS: Readonly<Options> = Object.freeze({
  // Algorithm is an ambient const enum, which isolatedModules cannot read: 2 is Argon2id.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
});

/** Longer passwords are refused before hashing: hashing megabytes is a denial of service. */
export const MAX_PASSWORD_LENGTH = 1024;

export type PasswordCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new TypeError('password: must be a non-empty string');
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new TypeError(`password: longer than ${MAX_PASSWORD_LENGTH} characters`);
  }
  return hash(password, PASSWORD_HASH_OPTIONS);
}

/**
 * Never throws: a malformed stored hash is a refusal with a reason for the log (the reason never
 * includes the password or the hash).
 */
export async function verifyPassword(storedHash: string, password: string): Promise<PasswordCheck> {
  if (typeof password !== 'string' || password.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    return { ok: false, reason: 'password missing or too long' };
  }
  if (typeof storedHash !== 'string' || !storedHash.startsWith('$argon2')) {
    return { ok: false, reason: 'stored hash is not an argon2 PHC string' };
  }
  try {
    return (await verify(storedHash, password)) ? { ok: true } : { ok: false, reason: 'wrong password' };
  } catch (err) {
    return { ok: false, reason: `stored hash unreadable: ${err instanceof Error ? err.message : 'unknown'}` };
  }
}
