/**
 * Where Redline's latency at concurrency 1 goes, by peeling the request path into endpoints that
 * stop earlier: HTTP only (/healthz, no auth), then authenticate + screen a tiny text + durable
 * ledger record (/v1/screen), then the same with the 1 KB prompt, then the whole chat completion
 * (upstream call, output screen). Differences between rows are the cost of each step.
 */
import { join } from 'node:path';
import type { LoadResult, LoadSpec } from './load.js';
import { chatBody, PROMPT } from './prompt.js';
import { runJson } from './processes.js';
import { REPO_ROOT, type Target } from './systems.js';

export interface BreakdownRow {
  step: string;
  p50: number;
  p99: number;
  cpuMsPerRequest?: number;
}

export async function latencyBreakdown(t: Target, durationSec: number, warmupSec: number): Promise<BreakdownRow[]> {
  const origin = new URL(t.url).origin;
  const steps: Array<[string, Omit<LoadSpec, 'connections' | 'durationSec' | 'warmupSec'>]> = [
    ['HTTP only (GET /healthz)', { url: `${origin}/healthz`, method: 'GET', headers: {} }],
    ['+ auth, screen 2 chars, ledger record (/v1/screen)', { url: `${origin}/v1/screen`, headers: t.headers, body: JSON.stringify({ text: 'hi' }) }],
    ['+ screen the 1 KB prompt (/v1/screen)', { url: `${origin}/v1/screen`, headers: t.headers, body: JSON.stringify({ text: PROMPT }) }],
    ['+ upstream call, output screen (/v1/chat/completions)', { url: t.url, headers: t.headers, body: chatBody(false) }],
  ];
  const rows: BreakdownRow[] = [];
  for (const [step, spec] of steps) {
    const r = await runJson<LoadResult>(join(REPO_ROOT, 'dist', 'bench', 'load.js'), [
      JSON.stringify({ ...spec, connections: 1, durationSec, warmupSec, pid: t.service?.pid } satisfies LoadSpec),
    ]);
    if (r.non2xx || r.errors) throw new Error(`breakdown step "${step}": ${r.non2xx} non-2xx, ${r.errors} errors`);
    rows.push({ step, p50: r.latencyMs.p50, p99: r.latencyMs.p99, cpuMsPerRequest: r.cpuMsPerRequest });
  }
  return rows;
}
