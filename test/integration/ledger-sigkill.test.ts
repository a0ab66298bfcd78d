import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/ledger/index.js';
import { verifyLedger } from '../../src/ledger/verify.js';

/**
 * Durability: a writer process prints every index the ledger acknowledged; it is SIGKILLed in the
 * middle of its load. After reopening, every acknowledged index must be stored and the ledger must
 * verify (records after the last tree head are allowed: they are simply not yet covered).
 */

const ledgerModule = pathToFileURL(join(process.cwd(), 'dist/src/ledger/index.js')).href;
const configModule = pathToFileURL(join(process.cwd(), 'dist/src/config/load.js')).href;

// The writer: 64 appends in flight at all times, each acknowledgement printed as it resolves.
const WRITER = `
import { openLedger } from ${JSON.stringify(ledgerModule)};
import { parseConfig } from ${JSON.stringify(configModule)};
const config = parseConfig(JSON.parse(process.env.LEDGER_CONFIG), 'child');
const ledger = await openLedger(config, { nodeId: 'victim' });
let n = 0;
const worker = async () => {
  for (;;) {
    const i = n++;
    const { index } = await ledger.append({ type: 'decision', request_id: 'kill-' + i, decision: 'allow', content: { prompt: 'p' + i } });
    process.stdout.write(index + '\\n');
  }
};
for (let w = 0; w < 64; w++) void worker();
`;

test('SIGKILL under load loses no acknowledged record and the ledger verifies after restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-kill-'));
  const raw = { deployment_id: 'kill-test', data_dir: join(dir, 'data'), storage: { sqlite: join(dir, 'ledger.db') }, ledger: { sth_every_records: 500 } };
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], { env: { ...process.env, LEDGER_CONFIG: JSON.stringify(raw) } });
  const acked: number[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // a half-written line was not an acknowledgement we can count
      for (const line of lines) acked.push(Number(line));
      if (acked.length >= 3000 && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`writer exited before it was killed: ${stderr}`)));
  }).catch((err) => {
    if (!child.killed) throw err;
  });
  assert.equal(await exited, 'SIGKILL');
  assert.ok(acked.length >= 3000);

  const ledger = await openLedger(parseConfig(raw, 'test'), { nodeId: 'survivor' });
  const stored = new Set<number>();
  for await (const page of ledger.store.scan()) for (const r of page) stored.add(r.index);
  const lost = acked.filter((i) => !stored.has(i));
  assert.deepEqual(lost, [], 'every acknowledged record survives');
  assert.equal(new Set(acked).size, acked.length, 'no index acknowledged twice');

  // The log continues where it stopped, and verifies.
  const next = await ledger.append({ type: 'gateway_start' });
  assert.equal(next.index, stored.size);
  await ledger.head();
  const report = await verifyLedger(ledger.store, ledger.key.publicKey, ledger.key.keyId);
  assert.deepEqual(report.problems, []);
  assert.ok(report.ok);
  assert.equal(report.records, stored.size + 1);
  await ledger.close();
});
