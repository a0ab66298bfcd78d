import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { PendingRecord } from '../record-text.js';
import type { SignedTreeHead } from '../tree-head.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
import { configure, contiguous, sqliteWrites, type HeadRow, type Synchronous } from './sqlite-writes.js';
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

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type AppendResult = { start: number; foreign: Buffer[]; leaves: Buffer[] };
interface Writer {
  append(knownSize: number, batch: PendingRecord[]): Promise<AppendResult>;
  putHead(row: HeadRow): Promise<void>;
  close(): Promise<void>;
}

/** Buffers come back from the worker as plain Uint8Arrays (structured clone). */
const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * Writes run on a worker thread with its own connection, so a group commit's fsync never stalls
 * the gateway's event loop. The thread is referenced only while a write is outstanding, so it
 * neither keeps a finished process alive nor lets one exit with an append unsettled.
 */
function threadWriter(file: string): Writer {
  const worker = new Worker(new URL('./sqlite-writer.js', import.meta.url), {
    workerData: { file },
    // The writer needs no Node flags, and inheriting the parent's can kill it: `--input-type`
    // (node -e) is fatal for a file worker, and V8 flags such as --max-old-space-size are refused.
    execArgv: [],
  });
  worker.unref();
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let dead: Error | undefined;
  const fail = (err: Error) => {
    dead ??= err;
    for (const w of waiting.values()) w.reject(dead);
    waiting.clear();
  };
  worker.on('message', (m: WriterReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (waiting.size === 0) worker.unref();
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('ledger writer thread stopped')));
  const call = (req: WithoutId<WriterRequest>): Promise<unknown> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...req, id });
    });
  };
  return {
    async append(knownSize, batch) {
      const r = (await call({ op: 'append', knownSize, batch })) as { start: number; foreign: Uint8Array[]; leaves: Uint8Array[] };
      return { start: r.start, foreign: r.foreign.map(asBuffer), leaves: r.leaves.map(asBuffer) };
    },
    putHead: async (row) => void (await call({ op: 'head', row })),
    async close() {
      if (!dead) await call({ op: 'close' });
      await worker.terminate();
    },
  };
}

/**
 * Writes on this connection, on the event loop: for in-memory databases (which cannot be shared with
 * a thread) and for synchronous=NORMAL, whose commits do no fsync and take microseconds, less than
 * the round trip to a thread would.
 */
function inlineWriter(db: Database.Database): Writer {
  const writes = sqliteWrites(db);
  return {
    append: async (knownSize, batch) => writes.append(knownSize, batch),
    putHead: async (row) => writes.putHead(row),
    close: async () => {},
  };
}

/**
 * The embedded default store: one SQLite file in WAL mode; reads here, writes on a worker thread
 * (synchronous=FULL, the default) or here (synchronous=NORMAL; see ledger.synchronous).
 */
export function openSqliteStore(file: string, opts: { synchronous?: Synchronous } = {}): LedgerStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const synchronous = opts.synchronous ?? 'full';
  const db = new Database(file);
  configure(db, synchronous);
  db.exec(SCHEMA);
  const writer = file === ':memory:' || synchronous === 'normal' ? inlineWriter(db) : threadWriter(file);

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
    appendBatch: (knownSize, batch) => writer.append(knownSize, batch),
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
    putHead: (h, node, frontier) =>
      writer.putHead([h.tree_size, h.timestamp, h.root_hash, h.key_id, h.signature, node, frontier ? frontierText(frontier) : null]),
    heads: async () => allHeads.all() as SignedTreeHead[],
    latestHead: async () => lastHead.get() as SignedTreeHead | undefined,
    latestCheckpoint: async () => checkpointOf(lastCheckpoint.get() as (SignedTreeHead & { frontier: string }) | undefined),
    async close() {
      try {
        await writer.close();
      } finally {
        db.close();
      }
    },
  };
}
