import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { canonicalJson } from '../../src/crypto/canonical-json.js';
import { loadContentKeys, openText, sealContent } from '../../src/ledger/content.js';
import { openLedger } from '../../src/ledger/index.js';
import { RecordText } from '../../src/ledger/record-text.js';
import { parsePublicKey } from '../../src/ledger/public-key.js';
import { keyIdOf, loadSigningKey } from '../../src/ledger/signing-key.js';
import { signTreeHead, verifyTreeHead } from '../../src/ledger/tree-head.js';

const tempConfig = (ledger: Record<string, unknown> = {}) => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-ledger-'));
  return parseConfig({ data_dir: join(dir, 'data'), storage: { sqlite: join(dir, 'data', 'redline.db') }, ledger }, 'test');
};

test('a record with its position spliced in is exactly the RFC 8785 canonical JSON', () => {
  const bodies: Array<Record<string, unknown>> = [
    { type: 'decision', z: 1, a: 'x', id: 2, in: [1, { b: 2, a: 1 }], é: 'unicode', 'index-ish': true, num: 1e21, small: 1.5e-7 },
    { type: 'gateway_start' },
    { aaa: null, zzz: { nested: [null, 'x'] }, undef: undefined },
  ];
  for (const body of bodies) {
    for (const index of [0, 7, 123456]) {
      assert.equal(new RecordText(body).at(index), canonicalJson({ ...body, index }));
    }
  }
  assert.throws(() => new RecordText({ type: 'decision', bad: NaN }));
});

test('content is stored as keyed digests by default, never in clear', async () => {
  const config = tempConfig();
  const ledger = await openLedger(config);
  const secret = 'engage every contact in grid 7 now';
  const { index } = await ledger.append({ type: 'decision', request_id: 'req-1', content: { prompt: secret, response: 'refused' } });
  await ledger.close();
  const db = (config.storage as { sqlite: string }).sqlite;
  for (const file of [db, `${db}-wal`].filter((f) => existsSync(f))) {
    assert.equal(readFileSync(file).includes(Buffer.from(secret)), false, `prompt text must not be in ${file}`);
  }
  assert.equal(readFileSync(db).includes(Buffer.from('hmac-sha256:')), true, 'the digest is there instead');
  assert.equal(index, 0);
  const keys = loadContentKeys(config);
  const sealed = sealContent(keys, { prompt: secret });
  assert.match(sealed.prompt!.digest, /^hmac-sha256:[0-9a-f]{64}$/);
  assert.equal(sealed.prompt!.ciphertext, undefined);
});

test('encrypted mode keeps AES-256-GCM ciphertext readable only with the key', () => {
  const config = tempConfig({ content: 'encrypted' });
  const keys = loadContentKeys(config);
  const sealed = sealContent(keys, { prompt: 'list every resident who attended the rally' });
  assert.equal(openText(keys.encryptionKey!, sealed.prompt!, 'prompt'), 'list every resident who attended the rally');
  assert.throws(() => openText(Buffer.alloc(32, 7), sealed.prompt!, 'prompt'), 'wrong key must fail authentication');
  assert.throws(() => openText(keys.encryptionKey!, sealed.prompt!, 'response'), 'a prompt cannot be replayed as a response');
});

test('the signing key is created mode 0600 at first start and reused after', async () => {
  const config = tempConfig();
  const first = await loadSigningKey(config);
  const file = join(config.data_dir, 'ledger-signing-key.pem');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = await loadSigningKey(config);
  assert.equal(again.keyId, first.keyId);
  const head = signTreeHead({ tree_size: 3, timestamp: '2026-01-01T00:00:00.000Z', root_hash: 'ab'.repeat(32), key_id: first.keyId }, first.privateKey);
  assert.ok(verifyTreeHead(head, again.publicKey));
  assert.equal(verifyTreeHead({ ...head, tree_size: 4 }, again.publicKey), false);
});

test('the signing key can come from an environment variable', async () => {
  const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  process.env.REDLINE_TEST_SIGNING_KEY = pem;
  const config = tempConfig({ signing_key_env: 'REDLINE_TEST_SIGNING_KEY' });
  const key = await loadSigningKey(config);
  assert.match(key.publicKeyPem, /BEGIN PUBLIC KEY/);
  delete process.env.REDLINE_TEST_SIGNING_KEY;
  await assert.rejects(loadSigningKey(config), /REDLINE_TEST_SIGNING_KEY is not set/);
});

test('group commit: concurrent appends get distinct consecutive positions and a head covers them', async () => {
  const config = tempConfig({ sth_every_records: 50 });
  const ledger = await openLedger(config);
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => ledger.append({ type: 'decision', request_id: `r${i}` })));
  assert.deepEqual(
    results.map((r) => r.index).sort((a, b) => a - b),
    Array.from({ length: 300 }, (_, i) => i),
  );
  const head = await ledger.head();
  assert.equal(head.tree_size, 300);
  await ledger.close();
  await assert.rejects(ledger.append({ type: 'decision' }), /closed/);
});

test('a verifier public key is accepted as PEM, raw base64 or hex, and nothing else', async () => {
  const key = await loadSigningKey(tempConfig());
  const raw = key.publicKey.export({ format: 'jwk' }).x!; // base64url of the 32 raw bytes
  const bytes = Buffer.from(raw, 'base64url');
  for (const form of [key.publicKeyPem, bytes.toString('base64'), bytes.toString('hex')]) {
    assert.equal(keyIdOf(parsePublicKey(form)), key.keyId);
  }
  assert.throws(() => parsePublicKey('not a key'), /raw 32-byte Ed25519 key/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  assert.throws(() => parsePublicKey(rsa), /not an Ed25519 key/);
});

test('two writers on one SQLite file (gateway and a CLI) share one order with no gaps', async () => {
  const config = tempConfig({ sth_every_records: 25 });
  const [a, b] = await Promise.all([openLedger(config, { nodeId: 'gateway' }), openLedger(config, { nodeId: 'cli' })]);
  const appendMany = (l: typeof a, tag: string) => Promise.all(Array.from({ length: 150 }, (_, i) => l.append({ type: 'decision', request_id: `${tag}-${i}` })));
  const [ra, rb] = await Promise.all([appendMany(a, 'a'), appendMany(b, 'b')]);
  const all = [...ra, ...rb].map((r) => r.index).sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 300 }, (_, i) => i));
  await b.close();
  const head = await a.head();
  assert.equal(head.tree_size, 300, 'each writer folds in the leaves the other appended');
  const report = await a.verify();
  assert.deepEqual(report.problems, []);
  assert.equal(report.uncovered, 0);
  await a.close();
});
