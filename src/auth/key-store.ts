import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../storage/database.js';
import type { KeyRole, Principal } from './types.js';

/**
 * Gateway keys. A key's secret looks like `rl_<id>_<random>`; only SHA-256 of the whole token is
 * stored (the secret has 192 bits of entropy, so a fast hash is the right tool, not a password KDF).
 */

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gateway_keys (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_sha256 TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
)`;

export interface KeyInfo {
  id: string;
  tenant: string;
  role: KeyRole;
  createdAt: string;
  revokedAt: string | null;
}

const TOKEN = /^rl_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$/;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class KeyStore {
  private constructor(private readonly db: Db) {}

  static async open(db: Db): Promise<KeyStore> {
    await db.exec(SCHEMA);
    return new KeyStore(db);
  }

  /** Create a key; the returned secret is shown once and never stored. */
  async create(tenant: string, role: KeyRole): Promise<{ info: KeyInfo; secret: string }> {
    const id = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const secret = `rl_${id}_${randomBytes(24).toString('base64url')}`;
    const createdAt = new Date().toISOString();
    await this.db.run('INSERT INTO gateway_keys (id, tenant, role, secret_sha256, created_at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      tenant,
      role,
      sha256(secret),
      createdAt,
    ]);
    return { info: { id, tenant, role, createdAt, revokedAt: null }, secret };
  }

  /** Resolve a presented token to its principal, or null when unknown, malformed or revoked. */
  async verify(token: string): Promise<Principal | null> {
    const m = TOKEN.exec(token);
    if (!m) return null;
    const rows = await this.db.all<{ tenant: string; role: KeyRole; secret_sha256: string; revoked_at: string | null }>(
      'SELECT tenant, role, secret_sha256, revoked_at FROM gateway_keys WHERE id = $1',
      [m[1]],
    );
    const row = rows[0];
    if (!row || row.revoked_at) return null;
    const presented = Buffer.from(sha256(token), 'hex');
    const stored = Buffer.from(row.secret_sha256, 'hex');
    if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return null;
    return { keyId: m[1]!, tenant: row.tenant, role: row.role };
  }

  async list(): Promise<KeyInfo[]> {
    const rows = await this.db.all<{ id: string; tenant: string; role: KeyRole; created_at: string; revoked_at: string | null }>(
      'SELECT id, tenant, role, created_at, revoked_at FROM gateway_keys ORDER BY created_at, id',
    );
    return rows.map((r) => ({ id: r.id, tenant: r.tenant, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  async revoke(id: string): Promise<boolean> {
    const { changes } = await this.db.run('UPDATE gateway_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [
      new Date().toISOString(),
      id,
    ]);
    return changes > 0;
  }
}
