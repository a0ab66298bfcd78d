import type { RedlineConfig } from '../../config/schema.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { LedgerStore } from './types.js';

/**
 * The store named by `storage` in the config: SQLite file (default) or a PostgreSQL URL.
 * `synchronous` (ledger.synchronous) applies to SQLite only; readers such as the audit CLI leave it at FULL.
 */
export async function openLedgerStore(storage: RedlineConfig['storage'], opts: { synchronous?: 'full' | 'normal' } = {}): Promise<LedgerStore> {
  return 'sqlite' in storage ? openSqliteStore(storage.sqlite, opts) : openPostgresStore(storage.postgres);
}
