import { createHash } from 'node:crypto';
import type { KeyStore } from '../auth/key-store.js';
import type { Principal } from '../auth/types.js';
import { GatewayError } from '../server/errors.js';

/**
 * Stage 1: who is calling. Reads `Authorization: Bearer` or `x-api-key` (gateway keys, never vendor
 * keys). Verified keys are cached briefly so the hot path does not hit the database per request;
 * a revocation takes effect within CACHE_MS. The cache is keyed by a hash, not the secret.
 */
const CACHE_MS = 10_000;
const CACHE_MAX = 10_000;

export class Authenticator {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly keys: KeyStore) {}

  async authenticate(headers: Record<string, string | string[] | undefined>): Promise<Principal> {
    const token = presentedToken(headers);
    if (!token) throw new GatewayError(401, 'authentication_error', 'missing gateway key: send Authorization: Bearer <key> or x-api-key', 'missing_api_key');
    const cacheKey = createHash('sha256').update(token).digest('base64');
    const now = Date.now();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > now) return hit.principal;
    const principal = await this.keys.verify(token);
    if (!principal) throw new GatewayError(401, 'authentication_error', 'invalid or revoked gateway key', 'invalid_api_key');
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(cacheKey, { principal, until: now + CACHE_MS });
    return principal;
  }
}

function presentedToken(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers['authorization'];
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey.trim();
  return undefined;
}
