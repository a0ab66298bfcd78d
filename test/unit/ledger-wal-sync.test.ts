import assert from 'node:assert/strict';
import { fstatSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { loadContentKeys } from '../../src/ledger/content.js';
import { MerkleLedger } from '../../src/ledger/ledger.js';
import { loadSigningKey } from '../../src/ledger/signing-key.js';
import { openSqliteStore } from '../../src/ledger/stores/sqlite.js';

/** A ledger on a real SQLite file whose WAL fdatasync calls go through `syncFd`. */
async function ledgerWithSync(syncFd: (fd: number) => Promise<void>, synchronous: 'full' | 'normal' = 'full') {
  const dir = mkdtempSync(join(tmpdir(), 'redline-wal-'));
  const file = join(dir, 'data', 'l.db');
  const config = parseConfig({ data_dir: join(dir, 'data'), storage: { sqlite: file }, ledger: { synchronous } }, 'test');
  const store = openSqliteStore(file, { synchronous, syncFd });
  return { ledger: await MerkleLedger.open(config, store, await loadSigningKey(config), loadContentKeys(config)), file };
}

test('full: an append resolves only after the WAL file itself has been synced', async () => {
  const synced: number[] = [];
  let release!: () => void;
  let file = '';
  const { ledger, file: dbFile } = await ledgerWithSync(async (fd) => {
    // The descriptor synced is the database's WAL, not some other file.
    assert.equal(fstatSync(fd).ino, statSync(`${file}-wal`).ino);
    synced.push(fd);
    await new Promise<void>((r) => (release = r));
  });
  file = dbFile;
  let acked = false;
  const append = ledger.append({ type: 'decision', request_id: 'r1' }).then((r) => ((acked = true), r));
  while (synced.length === 0) await new Promise((r) => setImmediate(r));
  // Committed to the WAL, but not acknowledged while the fdatasync is outstanding.
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  assert.equal(acked, false);
  release();
  assert.equal((await append).index, 0);
  // Closing signs a tree head, which is synced the same way.
  const closing = ledger.close();
  while (synced.length < 2) await new Promise((r) => setImmediate(r));
  release();
  await closing;
});

test('full: a failed fdatasync refuses that append and every later one (fail closed)', async () => {
  let calls = 0;
  const { ledger } = await ledgerWithSync(async () => {
    calls++;
    throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
  });
  await assert.rejects(ledger.append({ type: 'decision', request_id: 'r1' }), /WAL fsync failed: EIO/);
  await assert.rejects(ledger.append({ type: 'decision', request_id: 'r2' }), /WAL fsync failed/);
  // After the first failure nothing is called durable again, so the disk is not even asked.
  assert.equal(calls, 1);
  await ledger.close().catch(() => undefined);
});

test('normal: commits are not followed by an fdatasync', async () => {
  let calls = 0;
  const { ledger } = await ledgerWithSync(async () => void calls++, 'normal');
  await Promise.all([1, 2, 3].map((i) => ledger.append({ type: 'decision', request_id: `r${i}` })));
  await ledger.close();
  assert.equal(calls, 0);
});
