import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/ledger/index.js';
import { leafHash } from '../../src/ledger/merkle.js';
import { verifyInclusionProof } from '../../src/ledger/prove.js';

/**
 * Tampering with a stored record in every way — modified, deleted, inserted, reordered, truncated —
 * makes `redline audit verify` exit non-zero and name the position; a tampered attestation fails
 * `redline attest verify`. Runs the real CLI (compile first: npx tsc -p .).
 */

const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'redline-tamper-'));
const pristine = join(dir, 'pristine.db');
let scenario = 0;

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function configFor(db: string): string {
  const file = join(dir, `config-${scenario++}.yaml`);
  // Every scenario shares the data folder (same signing key) but has its own copy of the database.
  writeFileSync(file, `deployment_id: tamper-test\ndata_dir: ${join(dir, 'data')}\nstorage: { sqlite: ${db} }\n`);
  return file;
}

/** A copy of the pristine ledger, damaged by `tamper`; returns `audit verify`'s result. */
function verifyAfter(tamper: (db: Database.Database) => void) {
  const file = join(dir, `copy-${scenario}.db`);
  copyFileSync(pristine, file);
  const db = new Database(file);
  tamper(db);
  db.close();
  return cli(['audit', 'verify', '--config', configFor(file)]);
}

/** Move records idx >= from up by one position, leaving `from` free (two steps: the key is unique). */
const shiftUp = (db: Database.Database, from: number) => {
  db.prepare('UPDATE ledger_records SET idx = -idx - 1 WHERE idx >= ?').run(from);
  db.prepare('UPDATE ledger_records SET idx = -idx WHERE idx < 0').run();
};

before(async () => {
  const config = parseConfig(
    { deployment_id: 'tamper-test', data_dir: join(dir, 'data'), storage: { sqlite: join(dir, 'ledger.db') }, ledger: { sth_every_records: 8 } },
    'test',
  );
  const ledger = await openLedger(config);
  for (let batch = 0; batch < 5; batch++) {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        ledger.append({
          type: 'decision',
          request_id: `req-${batch * 8 + i}`,
          provider: 'openai',
          decision: i === 0 ? 'block' : 'allow',
          input: { categories: i === 0 ? [{ id: 'autonomous_weapons', score: 0.97 }] : [], stages: ['normalise', 'rules', 'classifier'] },
          content: { prompt: `prompt ${batch}-${i}` },
        }),
      ),
    );
  }
  await ledger.close();
  const db = new Database(join(dir, 'ledger.db'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  copyFileSync(join(dir, 'ledger.db'), pristine);
});

test('an untouched ledger verifies', () => {
  const r = verifyAfter(() => {});
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OK: 40 records/);
});

test('audit prove prints a checkable inclusion proof; audit export prints sealed records', () => {
  const copy = join(dir, 'prove-copy.db');
  copyFileSync(pristine, copy);
  const config = configFor(copy);
  const proved = cli(['audit', 'prove', '--config', config, '--request', 'req-13']);
  assert.equal(proved.code, 0, proved.stderr);
  const proof = JSON.parse(proved.stdout);
  assert.equal(proof.index, 13);
  assert.equal(proof.tree_head.tree_size, 40);
  assert.ok(verifyInclusionProof(proof));
  assert.equal(verifyInclusionProof({ ...proof, record: proof.record.replace('"allow"', '"block"') }), false);
  assert.equal(verifyInclusionProof({ ...proof, index: 12 }), false);

  const missing = cli(['audit', 'prove', '--config', config, '--request', 'no-such-request']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no record for request no-such-request/);

  const exported = cli(['audit', 'export', '--config', config, '--from', '2000-01-01T00:00:00Z']);
  assert.equal(exported.code, 0, exported.stderr);
  const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 40);
  assert.equal(lines[13].record.request_id, 'req-13');
  assert.match(lines[13].record.content.prompt.digest, /^hmac-sha256:/);
  assert.equal(exported.stdout.includes('prompt 1-5'), false, 'content stays sealed');
  const none = cli(['audit', 'export', '--config', config, '--to', '2000-01-01T00:00:00Z']);
  assert.equal(none.stdout, '');
});

test('a modified record is named by position', () => {
  const r = verifyAfter((db) => {
    db.prepare(`UPDATE ledger_records SET record = replace(record, '"decision":"block"', '"decision":"allow"') WHERE idx = 16`).run();
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /position 16: record at position 16 was modified/);
});

test('a modified record with a recomputed leaf hash is caught by the signed tree head', () => {
  const r = verifyAfter((db) => {
    const row = db.prepare('SELECT record FROM ledger_records WHERE idx = 13').get() as { record: string };
    const forged = row.record.replace('"provider":"openai"', '"provider":"anthropic"');
    assert.notEqual(forged, row.record);
    db.prepare('UPDATE ledger_records SET record = ?, leaf_hash = ? WHERE idx = 13').run(forged, leafHash(forged));
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /positions 8…15 was modified/);
});

test('a deleted record is named by position', () => {
  const r = verifyAfter((db) => void db.prepare('DELETE FROM ledger_records WHERE idx = 21').run());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /position 21 is missing/);
});

test('a deleted record with the rest renumbered is named by position', () => {
  const r = verifyAfter((db) => {
    db.prepare('DELETE FROM ledger_records WHERE idx = 21').run();
    db.prepare('UPDATE ledger_records SET idx = idx - 1 WHERE idx > 21').run();
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /record at position 21 claims position 22/);
});

test('an inserted record is named by position', () => {
  const r = verifyAfter((db) => {
    shiftUp(db, 10);
    const forged = JSON.stringify({ decision: 'allow', index: 10, type: 'decision' });
    db.prepare("INSERT INTO ledger_records (idx, ts, type, request_id, record, leaf_hash) VALUES (10, '2026-01-01', 'decision', NULL, ?, ?)").run(
      forged,
      leafHash(forged),
    );
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /record at position 11 claims position 10/);
});

test('reordered records are named by position', () => {
  const r = verifyAfter((db) => {
    db.prepare('UPDATE ledger_records SET idx = -1 WHERE idx = 5').run();
    db.prepare('UPDATE ledger_records SET idx = 5 WHERE idx = 6').run();
    db.prepare('UPDATE ledger_records SET idx = 6 WHERE idx = -1').run();
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /record at position 5 claims position 6/);
  assert.match(r.stderr, /record at position 6 claims position 5/);
});

test('records cut from the end are caught by the last tree head', () => {
  const r = verifyAfter((db) => void db.prepare('DELETE FROM ledger_records WHERE idx >= 35').run());
  assert.equal(r.code, 1);
  assert.match(r.stderr, /tree head of size 40 .* is beyond the end of the log \(35 records\)/);
});

test('a forged tree head is rejected', () => {
  const r = verifyAfter((db) => {
    db.prepare("UPDATE ledger_heads SET root_hash = ? WHERE tree_size = 24").run('00'.repeat(32));
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /position 24: tree head of size 24 .* invalid signature/);
});

test('an attestation verifies standalone, and fails when altered or checked with another key', () => {
  const copy = join(dir, 'attest-copy.db');
  copyFileSync(pristine, copy);
  const config = configFor(copy);
  const pub = cli(['keys', 'public', '--config', config]);
  assert.equal(pub.code, 0, pub.stderr);
  assert.match(pub.stdout, /BEGIN PUBLIC KEY/);
  const keyFile = join(dir, 'gateway.pub');
  writeFileSync(keyFile, pub.stdout);

  const out = join(dir, 'attestation.json');
  const made = cli(['attest', '--config', config, '--from', '2000-01-01T00:00:00Z', '--to', '2100-01-01T00:00:00Z', '--out', out]);
  assert.equal(made.code, 0, made.stderr);
  const text = readFileSync(out, 'utf8');
  assert.equal(text.includes('prompt 0-0'), false, 'no content in an attestation');
  assert.equal(text.includes('req-'), false, 'no request ids in an attestation');
  const a = JSON.parse(text);
  assert.equal(a.records.count, 40);
  assert.deepEqual(
    a.counts.find((c: { category: string }) => c.category === 'autonomous_weapons'),
    { category: 'autonomous_weapons', decision: 'block', provider: 'openai', count: 5 },
  );

  const ok = cli(['attest', 'verify', out, '--public-key', keyFile]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^OK/);

  const altered = join(dir, 'altered.json');
  a.counts.find((c: { category: string }) => c.category === 'autonomous_weapons').count = 0;
  writeFileSync(altered, JSON.stringify(a));
  const bad = cli(['attest', 'verify', altered, '--public-key', keyFile]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /signature is invalid/);

  const strangerDir = mkdtempSync(join(tmpdir(), 'redline-stranger-'));
  const strangerConfig = join(strangerDir, 'c.yaml');
  writeFileSync(strangerConfig, `data_dir: ${strangerDir}\nstorage: { sqlite: ${join(strangerDir, 'x.db')} }\n`);
  const stranger = cli(['keys', 'public', '--config', strangerConfig]);
  const strangerKey = join(strangerDir, 'stranger.pub');
  writeFileSync(strangerKey, stranger.stdout);
  const wrong = cli(['attest', 'verify', out, '--public-key', strangerKey]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /not by the given public key/);
});

test('a log cut back together with its newer tree heads verifies alone, but not against a head kept outside', () => {
  const keptCopy = join(dir, 'kept-copy.db');
  copyFileSync(pristine, keptCopy);
  const head = cli(['audit', 'head', '--config', configFor(keptCopy)]);
  assert.equal(head.code, 0, head.stderr);
  const kept = JSON.parse(head.stdout) as { tree_size: number; root_hash: string };
  assert.equal(kept.tree_size, 40);
  const keptFile = join(dir, 'kept-head.json');
  writeFileSync(keptFile, head.stdout);

  const cut = join(dir, `copy-${scenario}.db`);
  copyFileSync(pristine, cut);
  const db = new Database(cut);
  db.prepare('DELETE FROM ledger_records WHERE idx >= 32').run();
  db.prepare('DELETE FROM ledger_heads WHERE tree_size > 32').run();
  db.close();
  const config = configFor(cut);
  const alone = cli(['audit', 'verify', '--config', config]);
  assert.equal(alone.code, 0, 'without an outside head the shortened log is self-consistent');
  assert.match(alone.stdout, /OK: 32 records/);
  const against = cli(['audit', 'verify', '--config', config, '--head', keptFile]);
  assert.equal(against.code, 1);
  assert.match(against.stderr, /tree head of size 40 .* is beyond the end of the log \(32 records\)/);

  const forgedFile = join(dir, 'forged-head.json');
  writeFileSync(forgedFile, JSON.stringify({ ...kept, tree_size: 32 }));
  const forged = cli(['audit', 'verify', '--config', config, '--head', forgedFile]);
  assert.equal(forged.code, 1);
  assert.match(forged.stderr, /kept tree head of size 32 .* is not signed by this ledger's key/);
});
