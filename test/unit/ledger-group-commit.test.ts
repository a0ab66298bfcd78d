import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { loadContentKeys } from '../../src/ledger/content.js';
import { MerkleLedger } from '../../src/ledger/ledger.js';
import { loadSigningKey } from '../../src/ledger/signing-key.js';
import { openSqliteStore } from '../../src/ledger/stores/sqlite.js';
import type { LedgerStore } from '../../src/ledger/stores/types.js';

/** A real SQLite store whose appendBatch calls are counted by batch size. */
async function countingLedger(groupCommitMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'redline-gc-'));
  const config = parseConfig({ data_dir: join(dir, 'data'), storage: { sqlite: join(dir, 'data', 'l.db') }, ledger: { group_commit_ms: groupCommitMs } }, 'test');
  const store = openSqliteStore(join(dir, 'data', 'l.db'));
  const batches: number[] = [];
  const counting: LedgerStore = {
    ...store,
    kind: store.kind,
    appendBatch: (knownSize, batch) => {
      batches.push(batch.length);
      return store.appendBatch(knownSize, batch);
    },
  };
  const ledger = await MerkleLedger.open(config, counting, await loadSigningKey(config), loadContentKeys(config));
  return { ledger, batches };
}

test('group_commit_ms 0: appends made in one turn of the event loop share one commit', async () => {
  const { ledger, batches } = await countingLedger(0);
  const results = await Promise.all([1, 2, 3, 4, 5].map((i) => ledger.append({ type: 'decision', request_id: `r${i}` })));
  assert.deepEqual(
    results.map((r) => r.index),
    [0, 1, 2, 3, 4],
  );
  assert.deepEqual(batches, [5]);
  await ledger.close();
});

test('group_commit_ms 0: appends arriving while a commit is in flight go together in the next one', async () => {
  const { ledger, batches } = await countingLedger(0);
  const first = ledger.append({ type: 'decision', request_id: 'first' });
  // Wait until the first commit has been handed to the store, then append three more meanwhile.
  while (batches.length === 0) await new Promise((r) => setImmediate(r));
  const later = [1, 2, 3].map((i) => ledger.append({ type: 'decision', request_id: `later${i}` }));
  const indexes = await Promise.all([first, ...later]);
  assert.deepEqual(
    indexes.map((r) => r.index),
    [0, 1, 2, 3],
  );
  assert.deepEqual(batches, [1, 3]);
  await ledger.close();
});

test('a positive window still gathers appends from separate turns into one commit', async () => {
  const { ledger, batches } = await countingLedger(50);
  const a = ledger.append({ type: 'decision', request_id: 'a' });
  await new Promise((r) => setImmediate(r));
  const b = ledger.append({ type: 'decision', request_id: 'b' });
  await Promise.all([a, b]);
  assert.deepEqual(batches, [2]);
  await ledger.close();
});
