import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { RedlineConfig } from '../config/schema.js';

/**
 * A deliberately small SQL facade for the gateway's operational state (gateway keys, approvals),
 * so each store is written once for both SQLite and PostgreSQL. SQL uses `$1, $2 …` placeholders
 * (PostgreSQL style); for SQLite they are rewritten to `?1, ?2 …`, which better-sqlite3 accepts.
 * The ledger keeps its own, throughput-tuned stores.
 */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
  /** Run several statements (schema creation). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(storage: RedlineConfig['storage']): Promise<Db> {
  return 'sqlite' in storage ? openSqlite(storage.sqlite) : openPostgres(storage.postgres);
}

function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql.replace(/\$(\d+)/g, '?$1'));
      cache.set(sql, stmt);
    }
    return stmt;
  };
  const bind = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? Number(p) : p));
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => prepare(sql).all(...bind(params)) as T[],
    run: async (sql, params = []) => ({ changes: prepare(sql).run(...bind(params)).changes }),
    exec: async (sql) => void db.exec(sql),
    close: async () => void db.close(),
  };
}

function openPostgres(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    run: async (sql, params = []) => ({ changes: (await pool.query(sql, params)).rowCount ?? 0 }),
    exec: async (sql) => void (await pool.query(sql)),
    close: () => pool.end(),
  };
}
