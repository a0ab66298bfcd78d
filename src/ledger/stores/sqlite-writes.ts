import type Database from 'better-sqlite3';
import { renderBatch, type PendingRecord } from '../record-text.js';

export type HeadRow = [tree_size: number, timestamp: string, root_hash: string, key_id: string, signature: string, node: string, frontier: string | null];

/** Keep leaf hashes while positions run on from `from`; stop at the first gap. */
export function contiguous(rows: unknown[][], from: number): Buffer[] {
  const out: Buffer[] = [];
  for (const [idx, hash] of rows) {
    if (Number(idx) !== from + out.length) break;
    out.push(hash as Buffer);
  }
  return out;
}

/** The SQLite ledger's write transactions (one per group commit). */
export function sqliteWrites(db: Database.Database) {
  const after = db.prepare('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= ? ORDER BY idx').raw();
  const insert = db.prepare('INSERT INTO ledger_records (idx, ts, type, request_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?)');
  const insertHead = db.prepare(
    'INSERT INTO ledger_heads (tree_size, timestamp, root_hash, key_id, signature, node, frontier) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const batch = db.transaction((knownSize: number, pending: PendingRecord[]) => {
    const foreignRows = after.all(knownSize) as unknown[][];
    const foreign = contiguous(foreignRows, knownSize);
    if (foreign.length !== foreignRows.length) throw new Error(`ledger store has a gap after position ${knownSize + foreign.length - 1}`);
    const start = knownSize + foreign.length;
    const rows = renderBatch(start, pending);
    for (const r of rows) insert.run(r.index, r.timestamp, r.type, r.requestId, r.record, r.leafHash);
    return { start, foreign, leaves: rows.map((r) => r.leafHash) };
  });
  return {
    // IMMEDIATE takes the write lock before reading, so reading the leaves other processes
    // appended and inserting ours are one exclusive section, even across processes.
    append: (knownSize: number, pending: PendingRecord[]) => batch.immediate(knownSize, pending),
    putHead: (row: HeadRow) => void insertHead.run(...row),
  };
}

export type Synchronous = 'full' | 'normal';

/**
 * Connection settings. In WAL mode NORMAL already survives SIGKILL (the commit is in the OS page
 * cache) but not power loss; FULL fsyncs the WAL at every commit, on the calling thread. The
 * ledger store asks for NORMAL and adds that fsync itself, off the event loop (wal-sync.ts).
 */
export function configure(db: Database.Database, synchronous: Synchronous = 'full'): void {
  db.pragma('journal_mode = WAL');
  db.pragma(synchronous === 'normal' ? 'synchronous = NORMAL' : 'synchronous = FULL');
  // Several processes (a gateway and a CLI issuing a tree head) may write; wait for the lock.
  db.pragma('busy_timeout = 10000');
}
