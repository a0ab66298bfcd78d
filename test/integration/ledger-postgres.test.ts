import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import pg from 'pg';
import { parseConfig } from '../../src/config/load.js';
import { openLedger } from '../../src/ledger/index.js';

/**
 * Several gateway processes share one PostgreSQL ledger: one total order, no gaps, no duplicate
 * positions, and `redline audit verify` passes. Needs REDLINE_TEST_POSTGRES_URL
 * (`eval "$(bash .ci/postgres.sh)"`); each run gets its own schema.
 */

const URL_ = process.env.REDLINE_TEST_POSTGRES_URL;
const skip = URL_ ? false : 'REDLINE_TEST_POSTGRES_URL is not set (run: eval "$(bash .ci/postgres.sh)")';
const CLI = join(process.cwd(), 'dist/src/cli/main.js');
const ledgerModule = pathToFileURL(join(process.cwd(), 'dist/src/ledger/index.js')).href;
const configModule = pathToFileURL(join(process.cwd(), 'dist/src/config/load.js')).href;

const WRITER = `
import { openLedger } from ${JSON.stringify(ledgerModule)};
import { parseConfig } from ${JSON.stringify(configModule)};
const config = parseConfig(JSON.parse(process.env.LEDGER_CONFIG), 'child');
const ledger = await openLedger(config, { nodeId: process.env.NODE_NAME });
// Start barrier: all writers begin together, so their appends really interleave even when
// process start-up times differ on a loaded machine.
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.START_AT) - Date.now())));
const total = Number(process.env.RECORDS);
let n = 0;
const acked = [];
const worker = async () => {
  while (n < total) {
    const i = n++;
    const { index } = await ledger.append({ type: 'decision', request_id: process.env.NODE_NAME + '-' + i, decision: 'allow', provider: 'openai' });
    acked.push(index);
  }
};
await Promise.all(Array.from({ length: 16 }, worker));
await ledger.close();
process.stdout.write(JSON.stringify(acked));
`;

async function freshSchemaUrl(): Promise<string> {
  const schema = `ledger_test_${process.pid}_${Date.now()}`;
  const client = new pg.Client(URL_);
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = new URL(URL_!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

function runWriter(config: unknown, node: string, records: number, startAt: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WRITER], {
    env: { ...process.env, LEDGER_CONFIG: JSON.stringify(config), NODE_NAME: node, RECORDS: String(records), START_AT: String(startAt) },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`writer ${node} failed (${code}): ${err}`)))),
  );
}

test('three processes appending concurrently to one PostgreSQL ledger: one order, no gaps, no duplicates, verify OK', { skip }, async () => {
  const url = await freshSchemaUrl();
  const dir = mkdtempSync(join(tmpdir(), 'redline-pg-'));
  const raw = { deployment_id: 'pg-test', data_dir: join(dir, 'data'), storage: { postgres: url }, ledger: { sth_every_records: 100, sth_every_ms: 100 } };
  // Create the shared signing key once, before the writers race for it.
  await (await openLedger(parseConfig(raw, 'test'), { nodeId: 'setup' })).close();

  const perNode = 600;
  const startAt = Date.now() + 5_000;
  const results = await Promise.all(['node-a', 'node-b', 'node-c'].map((n) => runWriter(raw, n, perNode, startAt)));
  const all = results.flat().sort((a, b) => a - b);
  assert.equal(all.length, 3 * perNode);
  assert.deepEqual(all, Array.from({ length: 3 * perNode }, (_, i) => i), 'positions 0…n-1, each exactly once');
  // The writers really interleaved (otherwise this would not test the shared order).
  assert.ok(results.every((r) => Math.max(...r) - Math.min(...r) >= perNode), 'each node saw positions taken by the others');

  const config = join(dir, 'config.yaml');
  writeFileSync(config, `deployment_id: pg-test\ndata_dir: ${join(dir, 'data')}\nstorage: { postgres: "${url}" }\n`);
  const v = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--config', config], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`OK: ${3 * perNode} records`));

  // Tampering in the shared store is caught as well.
  const client = new pg.Client(url);
  await client.connect();
  await client.query(`UPDATE ledger_records SET record = replace(record, '"allow"', '"block"') WHERE idx = 777`);
  await client.end();
  const bad = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--config', config], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /position 777/);
});
