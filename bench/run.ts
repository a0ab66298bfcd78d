/**
 * `npm run bench`: Redline vs the Portkey gateway vs the direct upstream, one after the other in one
 * run on one machine. Every system and every load generator is its own process.
 *
 *   node dist/bench/run.js [--duration 10] [--warmup 2] [--systems direct,portkey,redline]
 *                          [--no-detector] [--no-readme] [--breakdown] [--profile [--profile-connections 32]] [--out bench/results/latest.json]
 *                          [--redline-config '{"ledger":{"group_commit_ms":0}}'] [--redline-node-options='--v8-flag …']   (experiments)
 *
 * Per system: c=1 and c=32 closed-loop load with autocannon, then streaming time to first token at
 * c=1; the gateway's peak RSS over all of it. Figures are printed as a table and written as JSON,
 * and (when all three systems ran without error) into bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { LoadResult, LoadSpec } from './load.js';
import { MemorySampler, rssNowMb } from './memory.js';
import { latencyBreakdown, type BreakdownRow } from './breakdown.js';
import { profileRedline } from './profile.js';
import { updateReadme } from './readme.js';
import { chatBody, PACED_MODEL, PROMPT } from './prompt.js';
import { figures, table, targets, fmt, type SystemRun } from './report.js';
import { ANSWER_TEXT } from './standin-answers.js';
import { runJson, startService, freePort, type Service } from './processes.js';
import { direct, portkey, redline, REPO_ROOT, type Target, type Upstreams } from './systems.js';
import type { TtftResult, TtftSpec } from './ttft.js';

const { values: opt } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    systems: { type: 'string', default: 'direct,portkey,redline' },
    'no-detector': { type: 'boolean', default: false },
    'no-readme': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
    'profile-connections': { type: 'string', default: '32' },
    /** JSON merged over Redline's config (top-level keys), e.g. '{"ledger":{"group_commit_ms":0}}'. */
    'redline-config': { type: 'string' },
    /** Extra NODE_OPTIONS for the Redline process, e.g. --redline-node-options='--max-semi-space-size=4'. */
    'redline-node-options': { type: 'string' },
    out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results', 'latest.json') },
  },
});
const durationSec = Number(opt.duration);
const overrides = opt['redline-config'] ? (JSON.parse(opt['redline-config']) as Record<string, unknown>) : undefined;
const redlineNodeOptions = opt['redline-node-options'];
/** Runs with experiment options measure something other than the default setup: they never update the README. */
const experiment = Boolean(overrides || redlineNodeOptions);
const warmupSec = Number(opt.warmup);
const systems = new Set(opt.systems.split(','));
/** Paced stand-in: one streamed chunk (a word) every 2 ms, a fast model's pace. */
const PACED_CHUNK_MS = 2;
const here = dirname(new URL(import.meta.url).pathname);
const script = (name: string) => join(here, `${name}.js`);

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One non-streamed request: the system must answer 200 with the stand-in's text before it is loaded. */
async function check(t: Target): Promise<void> {
  const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: chatBody(false) });
  const text = await res.text();
  if (res.status !== 200 || !text.includes(ANSWER_TEXT)) {
    // The error body is the gateway's own message (a refusal or a config error), not model content.
    throw new Error(`${t.name}: sanity request answered ${res.status}: ${text.slice(0, 300)}`);
  }
}

async function load(t: Target, connections: number): Promise<LoadResult> {
  const spec: LoadSpec = { url: t.url, headers: t.headers, body: chatBody(false), connections, durationSec, warmupSec, pid: t.service?.pid };
  const r = await runJson<LoadResult>(script('load'), [JSON.stringify(spec)]);
  const cpu = r.cpuMsPerRequest === undefined ? '' : `, gateway CPU ${fmt(r.cpuMsPerRequest, 3)} ms/req`;
  say(`  ${t.name} c=${connections}: ${fmt(r.rps, 0)} req/s, p50 ${fmt(r.latencyMs.p50, 3)} ms, p99 ${fmt(r.latencyMs.p99, 3)} ms${cpu}, non-2xx ${r.non2xx}, errors ${r.errors}`);
  return r;
}

async function ttft(t: Target, paced: boolean): Promise<TtftResult> {
  const at = paced ? t.paced : t;
  const spec: TtftSpec = { url: at.url, headers: at.headers, body: chatBody(true, paced ? PACED_MODEL : undefined), durationSec: Math.max(3, durationSec / 2), warmupSec };
  const r = await runJson<TtftResult>(script('ttft'), [JSON.stringify(spec)]);
  say(
    `  ${t.name} stream (${paced ? 'paced' : 'burst'} upstream): first token p50 ${fmt(r.firstTokenMs.p50, 3)} ms, p99 ${fmt(r.firstTokenMs.p99, 3)} ms over ${r.requests} streams, failures ${r.failures}`,
  );
  return r;
}

async function measure(t: Target): Promise<SystemRun> {
  await check(t);
  const idleRssMb = t.service ? rssNowMb(t.service.pid) : null;
  const mem = t.service ? new MemorySampler(t.service.pid) : undefined;
  try {
    const c1 = await load(t, 1);
    const c32 = await load(t, 32);
    const stream = await ttft(t, false);
    const streamPaced = await ttft(t, true);
    const m = mem?.stop() ?? { peakRssMb: null, maxSampledRssMb: null };
    if (m.peakRssMb !== null) say(`  ${t.name} RSS after one request ${idleRssMb} MB, peak ${m.peakRssMb} MB`);
    return { c1, c32, ttft: stream, ttftPaced: streamPaced, idleRssMb, ...m };
  } finally {
    mem?.stop();
    await t.stop();
  }
}

function machine() {
  const c = cpus();
  return { cpu: c[0]?.model ?? 'unknown', cores: c.length, memoryGb: Math.round(totalmem() / 2 ** 30), freeMemoryGb: Math.round(freemem() / 2 ** 30), node: process.version, kernel: release() };
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  say(`machine: ${JSON.stringify(machine())}`);
  const up: Upstreams = { burst: await freePort(), paced: await freePort() };
  const standins: Service[] = [
    await startService('stand-in', process.execPath, [script('standin-upstream'), '--port', String(up.burst)], up.burst),
    await startService('stand-in (paced)', process.execPath, [script('standin-upstream'), '--port', String(up.paced), '--chunk-delay-ms', String(PACED_CHUNK_MS)], up.paced),
  ];
  const runs: Partial<Record<Target['name'], SystemRun>> = {};
  const errors: string[] = [];
  let profile: Awaited<ReturnType<typeof profileRedline>> | undefined;
  let breakdown: BreakdownRow[] | undefined;
  try {
    say('direct upstream (baseline)…');
    runs.direct = await measure(direct(up));
    if (experiment) say(`redline experiment (not the default setup): config ${JSON.stringify(overrides ?? {})}, NODE_OPTIONS ${JSON.stringify(redlineNodeOptions ?? '')}`);
    for (const [name, start] of [
      ['portkey', portkey],
      ['redline', (u: Upstreams) => redline(u, { configOverrides: overrides, nodeOptions: redlineNodeOptions })],
    ] as const) {
      if (!systems.has(name)) continue;
      say(`${name}…`);
      try {
        runs[name] = await measure(await start(up));
      } catch (err) {
        errors.push(`${name}: ${(err as Error).message}`);
        say(`  ${name} FAILED: ${(err as Error).message}`);
      }
    }
    if (opt.breakdown && systems.has('redline')) {
      say('redline latency breakdown at c=1…');
      const t = await redline(up, { configOverrides: overrides, nodeOptions: redlineNodeOptions });
      try {
        breakdown = await latencyBreakdown(t, Math.max(3, durationSec / 2), warmupSec);
      } catch (err) {
        errors.push(`breakdown: ${(err as Error).message}`);
      } finally {
        await t.stop();
      }
    }
    if (opt.profile && systems.has('redline')) {
      say('redline under --cpu-prof…');
      profile = await profileRedline(up, durationSec, overrides, Number(opt['profile-connections']), redlineNodeOptions).catch((err: Error) => (errors.push(`profile: ${err.message}`), undefined));
    }
  } finally {
    await Promise.all(standins.map((s) => s.stop()));
  }

  let detector: Record<string, number> | undefined;
  if (!opt['no-detector']) {
    say('detector alone (one core, 1 KB prompts)…');
    detector = await runJson<Record<string, number>>(script('screen-rate'), [String(Math.max(3, durationSec / 2))]).catch((err: Error) => {
      errors.push(`detector: ${err.message}`);
      return undefined;
    });
  }

  const base = runs.direct!;
  const pk = runs.portkey ? figures(runs.portkey, base) : undefined;
  const rl = runs.redline ? figures(runs.redline, base) : undefined;
  const out = {
    started,
    finished: new Date().toISOString(),
    machine: machine(),
    settings: { durationSec, warmupSec, redlineConfigOverrides: overrides ?? null, redlineNodeOptions: redlineNodeOptions ?? null, pacedChunkMs: PACED_CHUNK_MS, promptChars: PROMPT.length, requestBytes: Buffer.byteLength(chatBody(false)) },
    figures: { portkey: pk, redline: rl },
    ratiosRedlineOverPortkey: pk && rl ? { throughputC32: rl.rps32 / pk.rps32, addedC1P50: rl.addedC1P50 / pk.addedC1P50, addedC1P99: rl.addedC1P99 / pk.addedC1P99, peakRss: (rl.peakRssMb ?? NaN) / (pk.peakRssMb ?? NaN), addedTtftP50: rl.addedTtftP50 / pk.addedTtftP50 } : undefined,
    targets: rl ? targets(rl, pk) : undefined,
    detector,
    breakdown,
    profile,
    raw: runs,
    errors,
  };
  mkdirSync(dirname(resolve(opt.out)), { recursive: true });
  writeFileSync(resolve(opt.out), `${JSON.stringify(out, null, 2)}\n`);

  const m = out.machine;
  const lines = [
    `${out.finished.slice(0, 16).replace('T', ' ')} UTC, ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, Node ${m.node}, Linux ${m.kernel}; ${durationSec} s per scenario after ${warmupSec} s warm-up.`,
    '',
    table(base, pk, rl),
    '',
  ];
  for (const t of out.targets ?? []) lines.push(`- ${t.met ? 'met' : '**not met**'}: ${t.target}: ${t.value}`);
  if (detector) lines.push(`- detector alone: ${fmt(detector.screensPerSecPerCore, 0)} screens/s per core on 1 KB prompts (${fmt(detector.meanUs, 1)} µs each)`);
  if (breakdown) {
    lines.push('', 'Redline latency at c=1, step by step:', '', '| step | p50 (ms) | p99 (ms) | gateway CPU/req (ms) |', '|---|---:|---:|---:|');
    lines.push(...breakdown.map((b) => `| ${b.step} | ${fmt(b.p50, 3)} | ${fmt(b.p99, 3)} | ${fmt(b.cpuMsPerRequest, 3)} |`));
  }
  if (profile) {
    lines.push('', `Redline CPU profile under c=${profile.connections} load (${fmt(profile.rps, 0)} req/s while profiled), main thread, top self time:`, '');
    lines.push(...profile.top.slice(0, 12).map((h) => `    ${fmt(h.percent, 1).padStart(5)}%  ${h.where}`));
    lines.push('', 'inclusive, Redline functions:', '');
    lines.push(...profile.redlineInclusive.slice(0, 12).map((h) => `    ${fmt(h.percent, 1).padStart(5)}%  ${h.where}`));
    for (const w of profile.workers) {
      lines.push('', `worker thread (${w.file.split('/').pop()}), top self time (time blocked in native code, e.g. fsync, counts):`, '');
      lines.push(...w.top.slice(0, 5).map((h) => `    ${fmt(h.percent, 1).padStart(5)}%  ${h.where}`));
    }
  }
  for (const e of errors) lines.push(`- error: ${e}`);
  const section = lines.join('\n');
  process.stdout.write(`\n${section}\nwritten: ${resolve(opt.out)}\n`);
  if (pk && rl && !errors.length && !experiment && !opt['no-readme']) updateReadme(section);
  if (errors.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
