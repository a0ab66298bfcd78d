/**
 * Ledger benchmark: node dist/bench/ledger.js [--records N] [--in-flight N] [--writers N] [--postgres URL] [--json]
 *  - SQLite appends/s: N decision records (content sealed as HMAC digests), --in-flight appends
 *    outstanding at once as concurrent requests would be, each awaited until durable
 *    (WAL, synchronous=full: commit on the event loop, WAL fdatasync on libuv's thread pool; group commit)
 *  - verify: records/s for the full `audit verify` pass (leaf re-hash, index check, tree heads)
 *  - inclusion proof: time to load the tree and prove one record (what `audit prove` does)
 *  - PostgreSQL (when --postgres or REDLINE_TEST_POSTGRES_URL is set): --writers processes
 *    appending to one shared ledger at once; total appends/s, then verify records/s
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseConfig } from '../src/config/load.js';
import type { RedlineConfig } from '../src/config/schema.js';
import { openLedger } from '../src/ledger/index.js';
import { proveRequest } from '../src/ledger/prove.js';
import { verifyLedger } from '../src/ledger/verify.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const RECORDS = Number(arg('records', '100000'));
const IN_FLIGHT = Number(arg('in-flight', '512'));
const WRITERS = Number(arg('writers', '3'));
const PG_URL = arg('postgres', process.env.REDLINE_TEST_POSTGRES_URL);

/** A decision record shaped like the gateway's (src/pipeline/record.ts). */
const event = (i: number) => ({
  type: 'decision' as const,
  request_id: `bench-${process.pid}-${i}`,
  tenant: 'bench',
  api: 'openai',
  model: 'gpt-4o',
  provider: 'openai',
  decision: i % 50 === 0 ? 'block' : 'allow',
  outcome: i % 50 === 0 ? 'blocked_input' : 'forwarded',
  policy: 'a3f1c2d4e5b6a7980112233445566778899aabbccddeeff00112233445566778',
  input: { decision: 'allow', categories: [], rules: [], stages: ['normalise', 'decode', 'rules', 'classifier'], micros: 412 },
  output: null,
  approvals: [],
  denied_tool_calls: 0,
  timing: { total_ms: 12.5, upstream_ms: 10.1 },
  content: { prompt: 'Plan ammunition and fuel resupply for a brigade exercise. '.repeat(8), response: 'Here is a resupply plan. '.repeat(20) },
});

async function appendAll(config: RedlineConfig, records: number, nodeId: string): Promise<number> {
  const ledger = await openLedger(config, { nodeId });
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < records) await ledger.append(event(next++));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await ledger.close();
  return seconds;
}

async function verifyRate(config: RedlineConfig): Promise<{ records: number; seconds: number; ok: boolean }> {
  const ledger = await openLedger(config, { nodeId: 'bench-verify' });
  const started = process.hrtime.bigint();
  const report = await verifyLedger(ledger.store, ledger.key.publicKey, ledger.key.keyId);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await ledger.close();
  return { records: report.records, seconds, ok: report.ok };
}

async function proveOnce(config: RedlineConfig, requestId: string): Promise<number> {
  const ledger = await openLedger(config, { nodeId: 'bench-prove' });
  const head = await ledger.head();
  const started = process.hrtime.bigint();
  const proofs = await proveRequest(ledger.store, head, requestId);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await ledger.close();
  if (proofs.length !== 1) throw new Error('proof not found');
  return ms;
}

const rawConfig = (dir: string, storage: Record<string, string>) => ({
  deployment_id: 'bench',
  data_dir: join(dir, 'data'),
  storage,
  ledger: { sth_every_records: 1000, sth_every_ms: 5000, group_commit_ms: 2 },
});

async function postgres(dir: string): Promise<Record<string, number>> {
  const schema = `ledger_bench_${process.pid}`;
  const admin = new pg.Client(PG_URL);
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
  const url = new URL(PG_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const raw = rawConfig(dir, { postgres: url.toString() });
  await (await openLedger(parseConfig(raw, 'bench'), { nodeId: 'setup' })).close(); // create key + schema once
  const perWriter = Math.floor(RECORDS / WRITERS);
  const self = fileURLToPath(import.meta.url);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: WRITERS }, (_, w) => {
      const child = spawn(process.execPath, [self, '--child', JSON.stringify(raw), String(perWriter), `writer-${w}`, '--in-flight', String(IN_FLIGHT)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${w} exited ${code}`)))));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The first read after a bulk load also sets PostgreSQL's hint bits (writes); report it and a warm pass.
  const v = await verifyRate(parseConfig(raw, 'bench'));
  if (!v.ok || v.records !== perWriter * WRITERS) throw new Error(`postgres ledger does not verify (${v.records} records)`);
  const warm = await verifyRate(parseConfig(raw, 'bench'));
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
  return {
    pg_writers: WRITERS,
    pg_records: v.records,
    pg_appends_per_s: Math.round(v.records / seconds),
    pg_verify_records_per_s: Math.round(v.records / v.seconds),
    pg_verify_warm_records_per_s: Math.round(warm.records / warm.seconds),
  };
}

async function main(): Promise<void> {
  if (args[0] === '--child') {
    await appendAll(parseConfig(JSON.parse(args[1]), 'bench'), Number(args[2]), args[3]);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'redline-bench-ledger-'));
  try {
    const config = parseConfig(rawConfig(dir, { sqlite: join(dir, 'ledger.db') }), 'bench');
    const appendSeconds = await appendAll(config, RECORDS, 'bench');
    const v = await verifyRate(config);
    if (!v.ok || v.records !== RECORDS) throw new Error('sqlite ledger does not verify');
    const proveMs = await proveOnce(config, `bench-${process.pid}-${Math.floor(RECORDS / 2)}`);
    const results: Record<string, number> = {
      records: RECORDS,
      in_flight: IN_FLIGHT,
      sqlite_appends_per_s: Math.round(RECORDS / appendSeconds),
      sqlite_verify_records_per_s: Math.round(v.records / v.seconds),
      sqlite_prove_ms: Math.round(proveMs),
      ...(PG_URL ? await postgres(dir) : {}),
    };
    if (args.includes('--json')) process.stdout.write(JSON.stringify(results) + '\n');
    else for (const [k, val] of Object.entries(results)) process.stdout.write(`${k.padEnd(28)} ${val}\n`);
    if (!PG_URL) process.stdout.write('(PostgreSQL skipped: set --postgres URL or REDLINE_TEST_POSTGRES_URL)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
