import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { RedlineConfig } from '../config/schema.js';

/**
 * A deliberately small SQL facade for the gateway's operational state (gateway keys, approvals),
 * so each store is written once for both SQLite and PostgreSQL. SQL uses `$1, $2 …` placeholders
 * (PostgreSQL style); for SQLite each is rewritten to `?` with the values reordered to match.
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
  const cache = new Map<string, { stmt: Database.Statement; order: number[] }>();
  const prepare = (sql: string) => {
    let entry = cache.get(sql);
    if (!entry) {
      const order: number[] = [];
      const stmt = db.prepare(sql.replace(/\$(\d+)/g, (_m, n: string) => (order.push(Number(n) - 1), '?')));
      entry = { stmt, order };
      cache.set(sql, entry);
    }
    return entry;
  };
  const bind = (order: number[], params: unknown[]) => order.map((i) => (typeof params[i] === 'boolean' ? Number(params[i]) : params[i]));
  return {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: unknown[] = []) => {
      const { stmt, order } = prepare(sql);
      return stmt.all(...bind(order, params)) as T[];
    },
    run: async (sql, params = []) => {
      const { stmt, order } = prepare(sql);
      return { changes: stmt.run(...bind(order, params)).changes };
    },
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
