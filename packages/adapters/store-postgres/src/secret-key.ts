import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { StoreError } from './store-error.js';

const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEX_RE = /^[0-9a-fA-F]{64}$/;
const BASE64_RE = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** What AES-256-GCM produced: the ciphertext with its 16-byte tag appended, and the nonce. */
export interface Sealed {
  readonly ciphertext: Buffer;
  readonly nonce: Buffer;
}

/**
 * The 32-byte key broker credentials are encrypted with at rest (AES-256-GCM). The key itself is held
 * in a private field and appears in no message, string, JSON or inspection; `keyId` (the first 8 hex
 * digits of its SHA-256) is stored beside each ciphertext so that a wrong key is told apart from
 * damaged data.
 */
export class SecretKey {
  readonly #key: Buffer;
  readonly keyId: string;

  private constructor(key: Buffer) {
    this.#key = key;
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** From 64 hex digits or base64 of 32 bytes (QUBIT_SECRET_KEY). `source` names it in errors. */
  static fromText(text: string, source = 'secretKey'): SecretKey {
    const key = typeof text === 'string' ? decodeKeyText(text.trim()) : undefined;
    if (!key) {
      throw new StoreError(source, `expected a ${KEY_BYTES}-byte key written as 64 hex digits or as base64`);
    }
    return new SecretKey(key);
  }

  /** From a key file: the key as hex or base64 text, or its 32 raw bytes. */
  static async fromFile(path: string): Promise<SecretKey> {
    if (typeof path !== 'string' || path.length === 0)
      throw new StoreError('secretKeyFile', 'must be a file path');
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw new StoreError(
        'secretKeyFile',
        `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    const key =
      decodeKeyText(bytes.toString('utf8').trim()) ?? (bytes.length === KEY_BYTES ? bytes : undefined);
    if (!key) {
      throw new StoreError(
        'secretKeyFile',
        `${path} must hold a ${KEY_BYTES}-byte key: 64 hex digits, base64, or the ${KEY_BYTES} raw bytes`,
      );
    }
    return new SecretKey(Buffer.from(key));
  }

  /** Encrypts `plaintext`, bound to `context` (authenticated, not secret): it decrypts only with the same. */
  seal(plaintext: Buffer, context: string): Sealed {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext: Buffer.concat([body, cipher.getAuthTag()]), nonce };
  }

  /** The plaintext, or undefined when it does not authenticate (another key, another context, damaged). */
  open(sealed: Sealed, context: string): Buffer | undefined {
    if (sealed.nonce.length !== NONCE_BYTES || sealed.ciphertext.length < TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, sealed.nonce);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES));
      const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      return undefined;
    }
  }

  toString(): string {
    return `SecretKey(${this.keyId})`;
  }

  toJSON(): { keyId: string } {
    return { keyId: this.keyId };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** The key from options: `secretKey` text or `secretKeyFile`, not both; undefined when neither is given. */
export async function loadSecretKey(o: {
  secretKey?: string;
  secretKeyFile?: string;
}): Promise<SecretKey | undefined> {
  if (o.secretKey !== undefined && o.secretKeyFile !== undefined) {
    throw new StoreError('secretKey', 'give the key or a key file, not both');
  }
  if (o.secretKey !== undefined) return SecretKey.fromText(o.secretKey, 'secretKey');
  if (o.secretKeyFile !== undefined) return SecretKey.fromFile(o.secretKeyFile);
  return undefined;
}

function decodeKeyText(text: string): Buffer | undefined {
  if (HEX_RE.test(text)) return Buffer.from(text, 'hex');
  if (BASE64_RE.test(text)) {
    const bytes = Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}
