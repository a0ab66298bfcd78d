import type { RedlineConfig } from '../../config/schema.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { LedgerStore } from './types.js';

/** The store named by `storage` in the config: SQLite file (default) or a PostgreSQL URL. */
export async function openLedgerStore(storage: RedlineConfig['storage']): Promise<LedgerStore> {
  return 'sqlite' in storage ? openSqliteStore(storage.sqlite) : openPostgresStore(storage.postgres);
}
