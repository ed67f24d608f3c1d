// The password hasher with real scrypt (cheap parameters): round trips, the legacy format, the
// dummy derivation for unknown accounts, and the concurrency cap that refuses a flood with 429.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { FlotillaError } from '@flotilla/shared';
import { PasswordHasher } from './password-hasher.ts';

const cheap = { N: 1024, r: 8, p: 1 };

describe('password hasher', () => {
  it('hashes with its parameters in the hash and verifies the password', async () => {
    const hasher = new PasswordHasher({ params: cheap, maxConcurrent: 2, maxQueued: 2 });
    const stored = await hasher.hash('correct horse');
    assert.match(stored, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.deepEqual(await hasher.verify('correct horse', stored), { matched: true, needsRehash: false });
    assert.deepEqual(await hasher.verify('wrong horse', stored), { matched: false, needsRehash: false });
  });

  it('verifies the first release format and asks for a rehash', async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync('old secret', salt, 32).toString('base64')}`;
    const hasher = new PasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 0 });
    assert.deepEqual(await hasher.verify('old secret', legacy), { matched: true, needsRehash: true });
    assert.deepEqual(await hasher.verify('new secret', legacy), { matched: false, needsRehash: false });
  });

  it('asks for a rehash when the parameters were raised', async () => {
    const old = await new PasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 0 }).hash('pw');
    const raised = new PasswordHasher({ params: { N: 2048, r: 8, p: 1 }, maxConcurrent: 1, maxQueued: 0 });
    assert.deepEqual(await raised.verify('pw', old), { matched: true, needsRehash: true });
  });

  it('derives a key for an unknown account and for a corrupt hash too', async () => {
    const hasher = new PasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 0 });
    assert.equal(await hasher.verifyNothing('pw'), false);
    assert.deepEqual(await hasher.verify('pw', 'not-a-hash'), { matched: false, needsRehash: false });
    assert.equal(hasher.derivations, 2);
  });

  it('runs maxConcurrent at once, queues maxQueued, refuses the rest with 429', async () => {
    const hasher = new PasswordHasher({ params: cheap, maxConcurrent: 1, maxQueued: 1 });
    const results = await Promise.allSettled([hasher.hash('a'), hasher.hash('b'), hasher.hash('c')]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected']);
    const error = (results[2] as PromiseRejectedResult).reason as FlotillaError & { retryAfterSeconds: number };
    assert.equal(error.statusCode, 429);
    assert.equal(error.retryAfterSeconds, 1);
    // The slots are free again afterwards.
    assert.equal((await Promise.allSettled([hasher.hash('d'), hasher.hash('e')])).every((r) => r.status === 'fulfilled'), true);
    assert.equal(hasher.derivations, 4);
  });
});
