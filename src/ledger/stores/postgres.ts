import pg from 'pg';
import type { SignedTreeHead } from '../tree-head.js';
import { renderBatch } from '../record-text.js';
import { checkpointOf, frontierText } from './sqlite.js';
import type { LedgerStore, StoredRecord } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_records (
  idx        BIGINT PRIMARY KEY,    -- position in the global log, 0-based; unique across all nodes
  ts         TEXT NOT NULL,
  type       TEXT NOT NULL,
  request_id TEXT,
  record     TEXT NOT NULL,         -- RFC 8785 canonical JSON: the Merkle leaf
  leaf_hash  BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_records_request ON ledger_records(request_id) WHERE request_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS ledger_heads (
  id         BIGSERIAL PRIMARY KEY,
  tree_size  BIGINT NOT NULL,
  timestamp  TEXT NOT NULL,
  root_hash  TEXT NOT NULL,
  key_id     TEXT NOT NULL,
  signature  TEXT NOT NULL,
  node       TEXT NOT NULL,
  frontier   TEXT                   -- hex subtree roots at tree_size (restart checkpoint; not trusted by verify)
);
CREATE INDEX IF NOT EXISTS ledger_heads_size ON ledger_heads(tree_size);
`;

// Advisory lock keys ("Redl" and "RedS"): one serialises appends across every gateway process,
// the other makes concurrent first starts create the schema one at a time.
const APPEND_LOCK = 0x5265646c;
const SCHEMA_LOCK = 0x52656453;

const headOf = (r: Record<string, unknown>): SignedTreeHead => ({
  tree_size: Number(r.tree_size),
  timestamp: String(r.timestamp),
  root_hash: String(r.root_hash),
  key_id: String(r.key_id),
  signature: String(r.signature),
});
const recordOf = (r: Record<string, unknown>): StoredRecord => ({ index: Number(r.idx), record: String(r.record), leafHash: r.leaf_hash as Buffer });

function contiguous(rows: Array<Record<string, unknown>>, from: number): Buffer[] {
  const out: Buffer[] = [];
  for (const r of rows) {
    if (Number(r.idx) !== from + out.length) break;
    out.push(r.leaf_hash as Buffer);
  }
  return out;
}

/**
 * Shared store: several gateway processes append to one ledger. Positions are assigned inside a
 * transaction holding a transaction-scoped advisory lock, so there is one total order with no gaps
 * and no duplicates (the primary key would reject a duplicate anyway); the lock is released only
 * when the batch has committed, so the next writer sees it and continues after it.
 */
export async function openPostgresStore(url: string): Promise<LedgerStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const setup = await pool.connect();
  try {
    await setup.query(`BEGIN; SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ${SCHEMA} COMMIT;`);
  } catch (err) {
    await setup.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    setup.release();
  }

  return {
    kind: 'postgres',
    async appendBatch(knownSize, pending) {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${APPEND_LOCK})`);
        const found = (await client.query('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx', [knownSize])).rows;
        const foreign = contiguous(found, knownSize);
        if (foreign.length !== found.length) throw new Error(`ledger store has a gap after position ${knownSize + foreign.length - 1}`);
        const start = knownSize + foreign.length;
        const rows = renderBatch(start, pending);
        await client.query(
          `INSERT INTO ledger_records (idx, ts, type, request_id, record, leaf_hash)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[])`,
          [
            rows.map((r) => r.index),
            rows.map((r) => r.timestamp),
            rows.map((r) => r.type),
            rows.map((r) => r.requestId),
            rows.map((r) => r.record),
            rows.map((r) => r.leafHash),
          ],
        );
        await client.query('COMMIT'); // synchronous_commit=on (default): durable when this returns
        return { start, foreign, leaves: rows.map((r) => r.leafHash) };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async leafHashesFrom(from, to) {
      const { rows } =
        to === undefined
          ? await pool.query('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx', [from])
          : await pool.query('SELECT idx, leaf_hash FROM ledger_records WHERE idx >= $1 AND idx < $2 ORDER BY idx', [from, to]);
      return contiguous(rows, from);
    },
    async *scan(from = 0, pageSize = 10_000) {
      let next = from;
      for (;;) {
        // Array rows: verification streams every record through here, and skipping per-row objects shows.
        const { rows } = await pool.query<[string, string, Buffer]>({
          text: 'SELECT idx, record, leaf_hash FROM ledger_records WHERE idx >= $1 ORDER BY idx LIMIT $2',
          values: [next, pageSize],
          rowMode: 'array',
        });
        if (rows.length === 0) return;
        const page = rows.map(([idx, record, leafHash]) => ({ index: Number(idx), record, leafHash }));
        yield page;
        next = page[page.length - 1].index + 1;
      }
    },
    async findByRequestId(id) {
      const { rows } = await pool.query('SELECT idx, record, leaf_hash FROM ledger_records WHERE request_id = $1 ORDER BY idx', [id]);
      return rows.map(recordOf);
    },
    async putHead(h, node, frontier) {
      await pool.query('INSERT INTO ledger_heads (tree_size, timestamp, root_hash, key_id, signature, node, frontier) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        h.tree_size,
        h.timestamp,
        h.root_hash,
        h.key_id,
        h.signature,
        node,
        frontier ? frontierText(frontier) : null,
      ]);
    },
    async latestCheckpoint() {
      const { rows } = await pool.query(
        'SELECT tree_size, timestamp, root_hash, key_id, signature, frontier FROM ledger_heads WHERE frontier IS NOT NULL ORDER BY tree_size DESC, id DESC LIMIT 1',
      );
      return checkpointOf(rows[0]);
    },
    async heads() {
      const { rows } = await pool.query('SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size, id');
      return rows.map(headOf);
    },
    async latestHead() {
      const { rows } = await pool.query(
        'SELECT tree_size, timestamp, root_hash, key_id, signature FROM ledger_heads ORDER BY tree_size DESC, id DESC LIMIT 1',
      );
      return rows[0] ? headOf(rows[0]) : undefined;
    },
    close: () => pool.end(),
  };
}
