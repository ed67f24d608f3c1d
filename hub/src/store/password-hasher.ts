// Hashing and verifying passwords with scrypt, off the event loop (crypto.scrypt runs on libuv's
// thread pool) and under a concurrency cap: at current guidance one derivation holds 128 MiB and
// 0.1-1 s of a core, so a login flood would otherwise exhaust the hub's memory and its four pool
// threads (which file and DNS work share). Up to `maxConcurrent` derivations run at once, up to
// `maxQueued` more wait their turn, and anything beyond is refused with 429 at once.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { tooManyRequests } from '@flotilla/shared';
import { formatPasswordHash, KEY_BYTES, parsePasswordHash, SALT_BYTES, scryptMaxmem, shouldRehash, type ScryptParams } from './password-hash.ts';

/** How a hasher works. */
export interface PasswordHasherOptions {
  params: ScryptParams;
  maxConcurrent: number;
  maxQueued: number;
}

/** The outcome of checking a password against a stored hash. */
export interface PasswordCheck {
  matched: boolean;
  /** The hash matched but was made with other parameters (or the legacy format). */
  needsRehash: boolean;
}

/** Derives scrypt keys for passwords, a few at a time. */
export class PasswordHasher {
  readonly options: PasswordHasherOptions;
  /** Key derivations run so far (the unknown-user path derives one too). */
  derivations = 0;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(options: PasswordHasherOptions) {
    this.options = options;
  }

  /** A new stored hash of password with the current parameters. */
  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    return formatPasswordHash(this.options.params, salt, await this.#derive(password, salt, KEY_BYTES, this.options.params));
  }

  /** Checks password against a stored hash (an unparseable one costs a dummy derivation and fails). */
  async verify(password: string, stored: string): Promise<PasswordCheck> {
    const hash = parsePasswordHash(stored);
    if (!hash) return { matched: await this.verifyNothing(password), needsRehash: false };
    const actual = await this.#derive(password, hash.salt, hash.key.length, hash.params);
    const matched = timingSafeEqual(actual, hash.key);
    return { matched, needsRehash: matched && shouldRehash(hash, this.options.params) };
  }

  /** Spends what checking a real hash costs and answers false: for unknown or disabled accounts. */
  async verifyNothing(password: string): Promise<false> {
    await this.#derive(password, randomBytes(SALT_BYTES), KEY_BYTES, this.options.params);
    return false;
  }

  async #derive(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    await this.#acquire();
    try {
      this.derivations++;
      return await new Promise<Buffer>((resolve, reject) => {
        scrypt(password, salt, keylen, { ...params, maxmem: scryptMaxmem(params) }, (error, key) => (error ? reject(error) : resolve(key)));
      });
    } finally {
      this.#release();
    }
  }

  // Synchronous up to the decision, so callers fired together are admitted in call order.
  #acquire(): Promise<void> {
    if (this.#active < this.options.maxConcurrent) {
      this.#active++;
      return Promise.resolve();
    }
    if (this.#waiting.length >= this.options.maxQueued) {
      return Promise.reject(tooManyRequests('the hub is checking too many passwords at once: try again in a moment', 1));
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  // A waiter takes over the slot, so #active only drops when nobody waits.
  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
