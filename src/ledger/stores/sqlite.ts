import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SignedTreeHead } from '../tree-head.js';
import type { LedgerStore, NewRecord, StoredRecord } from './types.js';

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

type HeadRow = Omit<SignedTreeHead, never>;

export const frontierText = (roots: Buffer[]) => roots.map((r) => r.toString('hex')).join(',');
export function checkpointOf(row: (SignedTreeHead & { frontier: string }) | undefined) {
  if (!row) return undefined;
  const { frontier, ...head } = row;
  const fields = { tree_size: Number(head.tree_size), timestamp: head.timestamp, root_hash: head.root_hash, key_id: head.key_id, signature: head.signature };
  return { head: fields, frontier: frontier ? frontier.split(',').map((h) => Buffer.from(h, 'hex')) : [] };
}

/** The embedded default store: one SQLite file in WAL mode. */
export function openSqliteStore(file: string): LedgerStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL, not NORMAL: in WAL mode NORMAL already survives SIGKILL (the commit is in the OS page
  // cache), but an acknowledged record could still vanish on power loss. FULL fsyncs the WAL at
  // every commit; group commit makes that one fsync per batch, so it costs little throughput.
  db.pragma('synchronous = FULL');
  // Several processes (a gateway and a CLI issuing a tree head) may write; wait for the lock.
  db.pragma('busy_timeout = 10000');
  db.exec(SCHEMA);

  const after = db.prepare('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= ? ORDER BY idx').raw();
  const range = db.prepare('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= ? AND idx < ? ORDER BY idx').raw();
  const insert = db.prepare('INSERT INTO ledger_records (idx, ts, type, request_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)');
  const page = db.prepare('SELECT idx, record, leaf_hash FROM ledger_records WHERE idx >= ? ORDER BY idx LIMIT ?').raw();
  const byRequest = db.prepare('SELECT idx, record, leaf_hash FROM ledger_records WHERE request_id = ? ORDER BY idx').raw();
  const insertHead = db.prepare(
    'INSERT INTO ledger_heads (tree_size, timestamp, root_hash, key_id, signature, node, frontier) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const allHeads = db.prepare('SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size, id');
  const lastCheckpoint = db.prepare(
    'SELECT tree_size, timestamp, root_hash, key_id, signature, frontier FROM ledger_heads WHERE frontier IS NOT NULL ORDER BY tree_size DESC, id DESC LIMIT 1',
  );
  const lastHead = db.prepare('SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size DESC, id DESC LIMIT 1');

  const contiguous = (rows: unknown[][], from: number): Buffer[] => {
    const out: Buffer[] = [];
    for (const [idx, hash] of rows) {
      if (Number(idx) !== from + out.length) break;
      out.push(hash as Buffer);
    }
    return out;
  };

  const batch = db.transaction((knownSize: number, build: (start: number) => NewRecord[]) => {
    const foreignRows = after.all(knownSize) as unknown[][];
    const foreign = contiguous(foreignRows, knownSize);
    if (foreign.length !== foreignRows.length) throw new Error(`ledger store has a gap after position ${knownSize + foreign.length - 1}`);
    const start = knownSize + foreign.length;
    for (const r of build(start)) insert.run(r.index, r.timestamp, r.type, r.requestId, r.record, r.leafHash);
    return { start, foreign };
  });

  const toRecord = (row: unknown[]): StoredRecord => ({ index: Number(row[0]), record: row[1] as string, leafHash: row[2] as Buffer });

  return {
    kind: 'sqlite',
    // IMMEDIATE takes the write lock before reading, so the read of foreign leaves and the insert
    // are one exclusive section even across processes.
    appendBatch: async (knownSize, build) => batch.immediate(knownSize, build),
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
    putHead: async (h, node, frontier) =>
      void insertHead.run(h.tree_size, h.timestamp, h.root_hash, h.key_id, h.signature, node, frontier ? frontierText(frontier) : null),
    latestCheckpoint: async () => checkpointOf(lastCheckpoint.get() as (HeadRow & { frontier: string }) | undefined),
    heads: async () => allHeads.all() as HeadRow[],
    latestHead: async () => lastHead.get() as HeadRow | undefined,
    close: async () => void db.close(),
  };
}
