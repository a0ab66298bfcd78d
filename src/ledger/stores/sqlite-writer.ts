import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { PendingRecord } from '../record-text.js';
import { configure, sqliteWrites, type HeadRow } from './sqlite-writes.js';

/** Writer thread of the SQLite ledger store: runs the durable write transactions off the event loop. */

export type WriterRequest =
  | { id: number; op: 'append'; knownSize: number; batch: PendingRecord[] }
  | { id: number; op: 'head'; row: HeadRow }
  | { id: number; op: 'close' };
export type WriterReply = { id: number; ok: true; result?: unknown } | { id: number; ok: false; error: string };

const db = new Database((workerData as { file: string }).file);
// Only FULL commits run here (NORMAL ones are fast enough to run inline).
configure(db, 'full');
const writes = sqliteWrites(db);
const port = parentPort!;

port.on('message', (m: WriterRequest) => {
  let reply: WriterReply;
  try {
    if (m.op === 'append') reply = { id: m.id, ok: true, result: writes.append(m.knownSize, m.batch) };
    else if (m.op === 'head') reply = { id: m.id, ok: true, result: writes.putHead(m.row) };
    else {
      db.close();
      reply = { id: m.id, ok: true };
    }
  } catch (err) {
    reply = { id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
  if (m.op === 'close') port.close();
});
