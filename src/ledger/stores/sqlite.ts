import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SignedTreeHead } from '../tree-head.js';
import { configure, contiguous, sqliteWrites, type Synchronous } from './sqlite-writes.js';
import { WalSync } from './wal-sync.js';
import type { LedgerStore, StoredRecord } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_records (
  idx        INTEGER PRIMARY KEY,   -- position in the log, 0-based; the primary key forbids duplicates
  ts         TEXT NOT NULL,
  type       TEXT NOT NULL,
  request_id TEXT,
  record     TEXT NOT NULL,         -- RFC 8785 canonical JSON: the Merkle leaf
  leaf_hash  BLOB NOT NULL          -- SHA-256(0x00 || record), kept so verify can name a modified position
);
CREATE INDEX IF NOT EXISTS ledger_records_request ON ledger_records(request_id) WHERE request_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS ledger_heads (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  tree_size  INTEGER NOT NULL,
  timestamp  TEXT NOT NULL,
  root_hash  TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  signature  TEXT NOT NULL,
  node       TEXT NOT NULL,
  frontier   TEXT                   -- hex subtree roots at tree_size (restart checkpoint; not trusted by verify)
);
CREATE INDEX IF NOT EXISTS ledger_heads_size ON ledger_heads(tree_size);
`;

export const frontierText = (roots: Buffer[]) => roots.map((r) => r.toString('hex')).join(',');
export function checkpointOf(row: (SignedTreeHead & { frontier: string }) | undefined) {
  if (!row) return undefined;
  const { frontier, ...head } = row;
  const fields = { tree_size: Number(head.tree_size), timestamp: head.timestamp, root_hash: head.root_hash, key_id: head.key_id, signature: head.signature };
  return { head: fields, frontier: frontier ? frontier.split(',').map((h) => Buffer.from(h, 'hex')) : [] };
}

/**
 * The embedded default store: one SQLite file in WAL mode, one connection. Commits run on the event
 * loop and take tens of microseconds; with ledger.synchronous=full (the default) each one is then
 * made durable by an fdatasync of the WAL on libuv's thread pool (wal-sync.ts) before it resolves,
 * so the disk wait never blocks the loop and group commit gathers the appends that arrive meanwhile.
 */
export function openSqliteStore(file: string, opts: { synchronous?: Synchronous; syncFd?: (fd: number) => Promise<void> } = {}): LedgerStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const durable = (opts.synchronous ?? 'full') === 'full' && file !== ':memory:';
  const db = new Database(file);
  // FULL is kept by wal-sync.ts's fdatasync after each commit, not by SQLite's in-line fsync...
  configure(db, 'normal');
  // ...which needs a WAL. Where the file system refuses WAL mode, SQLite's own FULL does it in-line.
  const walMode = db.pragma('journal_mode', { simple: true }) === 'wal';
  if (durable && !walMode) configure(db, 'full');
  db.exec(SCHEMA);
  const writes = sqliteWrites(db);
  const wal = durable && walMode ? new WalSync(`${file}-wal`, opts.syncFd) : undefined;

  const after = db.prepare('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= ? ORDER BY idx').raw();
  const range = db.prepare('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= ? AND idx < ? ORDER BY idx').raw();
  const page = db.prepare('SELECT idx, record, leaf_hash FROM ledger_records WHERE idx >= ? ORDER BY idx LIMIT ?').raw();
  const byRequest = db.prepare('SELECT idx, record, leaf_hash FROM ledger_records WHERE request_id = ? ORDER BY idx').raw();
  const allHeads = db.prepare('SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size, id');
  const lastHead = db.prepare('SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size DESC, id DESC LIMIT 1');
  const lastCheckpoint = db.prepare(
    'SELECT tree_size, timestamp, root_hash, key_id, signature, frontier FROM ledger_heads WHERE frontier IS NOT NULL ORDER BY tree_size DESC, id DESC LIMIT 1',
  );

  const toRecord = (row: unknown[]): StoredRecord => ({ index: Number(row[0]), record: row[1] as string, leafHash: row[2] as Buffer });

  return {
    kind: 'sqlite',
    async appendBatch(knownSize, batch) {
      const result = writes.append(knownSize, batch);
      await wal?.sync();
      return result;
    },
    leafHashesFrom: async (from, to) => contiguous((to === undefined ? after.all(from) : range.all(from, to)) as unknown[][], from),
    async *scan(from = 0, pageSize = 10_000) {
      let next = from;
      for (;;) {
        const rows = (page.all(next, pageSize) as unknown[][]).map(toRecord);
        if (rows.length === 0) return;
        yield rows;
        next = rows[rows.length - 1].index + 1;
      }
    },
    findByRequestId: async (id) => (byRequest.all(id) as unknown[][]).map(toRecord),
    async putHead(h, node, frontier) {
      writes.putHead([h.tree_size, h.timestamp, h.root_hash, h.key_id, h.signature, node, frontier ? frontierText(frontier) : null]);
      await wal?.sync();
    },
    heads: async () => allHeads.all() as SignedTreeHead[],
    latestHead: async () => lastHead.get() as SignedTreeHead | undefined,
    latestCheckpoint: async () => checkpointOf(lastCheckpoint.get() as (SignedTreeHead & { frontier: string }) | undefined),
    async close() {
      try {
        await wal?.close();
      } finally {
        db.close();
      }
    },
  };
}
