import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { parseConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/ledger/index.js';
import { configure } from '../../src/ledger/stores/sqlite-writes.js';

const rawConfig = (dir: string, ledger: Record<string, unknown> = {}) => ({ data_dir: join(dir, 'data'), storage: { sqlite: join(dir, 'data', 'l.db') }, ledger });

test('ledger.synchronous defaults to full (fsync at every group commit)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-sync-'));
  assert.equal(parseConfig(rawConfig(dir), 'test').ledger.synchronous, 'full');
  assert.throws(() => parseConfig(rawConfig(dir, { synchronous: 'off' }), 'test'), 'only full and normal are accepted');
});

test('configure sets the SQLite synchronous level asked for (FULL = 2, NORMAL = 1)', () => {
  const db = new Database(':memory:');
  configure(db);
  assert.equal(db.pragma('synchronous', { simple: true }), 2);
  configure(db, 'normal');
  assert.equal(db.pragma('synchronous', { simple: true }), 1);
  db.close();
});

test('a normal-mode ledger (writes on the event loop) keeps every record in order and verifies after reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-sync-'));
  const normal = await openLedger(parseConfig(rawConfig(dir, { synchronous: 'normal', group_commit_ms: 0 }), 'test'));
  const acked = await Promise.all(Array.from({ length: 40 }, (_, i) => normal.append({ type: 'decision', request_id: `n${i}` })));
  assert.deepEqual(
    acked.map((a) => a.index),
    Array.from({ length: 40 }, (_, i) => i),
  );
  await normal.close();

  const full = await openLedger(parseConfig(rawConfig(dir), 'test'));
  const report = await full.verify();
  assert.equal(report.ok, true, JSON.stringify(report.problems ?? report));
  const proofs = await full.prove('n39');
  assert.equal(proofs.length, 1);
  await full.close();
});

test('a normal-mode ledger under appenders that never pause still lets timers and I/O run', { timeout: 20_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-sync-'));
  const ledger = await openLedger(parseConfig(rawConfig(dir, { synchronous: 'normal', group_commit_ms: 0 }), 'test'));
  let stop = false;
  let acked = 0;
  const appender = async () => {
    while (!stop) {
      await ledger.append({ type: 'decision', request_id: `loop${acked}` });
      acked++;
    }
  };
  const loops = Array.from({ length: 8 }, appender);
  // Commits that resolve in microtasks must not starve the event loop: if they did, this timer
  // would never fire and the test would hit its timeout.
  setTimeout(() => (stop = true), 20);
  await Promise.all(loops);
  assert.ok(acked > 0);
  assert.equal(ledger.size, acked);
  await ledger.close();
});
