/**
 * Streaming client, run as its own process: sends streaming chat completions one after another
 * (concurrency 1, keep-alive) for a fixed time and records, per request, the time to the first
 * streamed content token and to the end of the stream. autocannon cannot see inside a response,
 * so this uses undici (the same client library the gateway uses upstream).
 *
 *   node dist/bench/ttft.js '<json TtftSpec>'   → prints one JSON TtftResult line
 */
import { Client } from 'undici';
import { Samples, summarise, type LatencySummary } from './stats.js';

export interface TtftSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  durationSec: number;
  warmupSec: number;
}

export interface TtftResult {
  requests: number;
  firstTokenMs: LatencySummary;
  totalMs: LatencySummary;
  /** Streams that ended without any content token, or with a non-200 status. */
  failures: number;
}

// The first delta carrying text; the role-only first chunk has "content":"" and does not count.
const FIRST_TOKEN = /"content"\s*:\s*"[^"]/;

async function one(client: Client, path: string, spec: TtftSpec): Promise<{ first: number; total: number } | undefined> {
  const start = performance.now();
  const res = await client.request({ method: 'POST', path, headers: { 'content-type': 'application/json', ...spec.headers }, body: spec.body });
  let first = -1;
  let seen = '';
  for await (const chunk of res.body) {
    if (first < 0) {
      // Keep a short tail so a token split across TCP chunks is still recognised.
      seen = seen.slice(-64) + (chunk as Buffer).toString('utf8');
      if (FIRST_TOKEN.test(seen)) first = performance.now() - start;
    }
  }
  const total = performance.now() - start;
  return res.statusCode === 200 && first >= 0 ? { first, total } : undefined;
}

async function run(spec: TtftSpec, durationSec: number): Promise<TtftResult> {
  const url = new URL(spec.url);
  const client = new Client(url.origin, { keepAliveTimeout: 60_000 });
  const first = new Samples();
  const total = new Samples();
  let failures = 0;
  const until = performance.now() + durationSec * 1000;
  try {
    while (performance.now() < until) {
      const r = await one(client, url.pathname + url.search, spec);
      if (!r) failures++;
      else first.push(r.first), total.push(r.total);
    }
  } finally {
    await client.close();
  }
  const f = summarise(first.values());
  return { requests: f.samples + failures, firstTokenMs: f, totalMs: summarise(total.values()), failures };
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as TtftSpec;
  if (spec.warmupSec > 0) await run(spec, spec.warmupSec);
  process.stdout.write(`${JSON.stringify(await run(spec, spec.durationSec))}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`ttft: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
