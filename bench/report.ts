/**
 * Turns raw per-system measurements into the figures the issue asks for (added latency over the
 * direct upstream, Redline/Portkey ratios, targets) and renders them as a Markdown table.
 */
import type { LoadResult } from './load.js';
import type { TtftResult } from './ttft.js';

export interface SystemRun {
  c1: LoadResult;
  c32: LoadResult;
  /** Streaming from the stand-in that writes the whole stream at once: the gateway's own cost. */
  ttft: TtftResult;
  /** Streaming from the paced stand-in: adds what output holdback costs with a real model's pace. */
  ttftPaced: TtftResult;
  /** MB; null for the direct baseline (no gateway process). RSS after start and one request. */
  idleRssMb: number | null;
  peakRssMb: number | null;
  maxSampledRssMb: number | null;
}

export interface Figures {
  rps32: number;
  addedC1P50: number;
  addedC1P99: number;
  addedC32P50: number;
  addedC32P99: number;
  peakRssMb: number | null;
  idleRssMb: number | null;
  /** Gateway CPU per request at c=32 (ms), user + system. */
  cpuMsPerRequest: number;
  addedTtftP50: number;
  addedTtftP99: number;
  addedTtftPacedP50: number;
  addedTtftPacedP99: number;
  /** Requests that were not 2xx or failed, over all scenarios: must be 0 for figures to count. */
  failures: number;
}

/** a − b, NaN when either is missing (a percentile of no samples is NaN, which JSON carries as null). */
function sub(a: number | null, b: number | null): number {
  return a === null || b === null ? Number.NaN : a - b;
}

export function figures(run: SystemRun, base: SystemRun): Figures {
  return {
    rps32: run.c32.rps,
    addedC1P50: sub(run.c1.latencyMs.p50, base.c1.latencyMs.p50),
    addedC1P99: sub(run.c1.latencyMs.p99, base.c1.latencyMs.p99),
    addedC32P50: sub(run.c32.latencyMs.p50, base.c32.latencyMs.p50),
    addedC32P99: sub(run.c32.latencyMs.p99, base.c32.latencyMs.p99),
    peakRssMb: run.peakRssMb,
    idleRssMb: run.idleRssMb,
    cpuMsPerRequest: run.c32.cpuMsPerRequest ?? Number.NaN,
    addedTtftP50: sub(run.ttft.firstTokenMs.p50, base.ttft.firstTokenMs.p50),
    addedTtftP99: sub(run.ttft.firstTokenMs.p99, base.ttft.firstTokenMs.p99),
    addedTtftPacedP50: sub(run.ttftPaced.firstTokenMs.p50, base.ttftPaced.firstTokenMs.p50),
    addedTtftPacedP99: sub(run.ttftPaced.firstTokenMs.p99, base.ttftPaced.firstTokenMs.p99),
    failures: [run.c1, run.c32].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0) + run.ttft.failures + run.ttftPaced.failures,
  };
}

/** The targets, evaluated on one run. Reported, never asserted. */
export function targets(redline: Figures, portkey: Figures | undefined): Array<{ target: string; value: string; met: boolean }> {
  const t = [
    { target: 'added latency p50 at c=1 ≤ 0.5 ms', value: `${fmt(redline.addedC1P50, 3)} ms`, met: redline.addedC1P50 <= 0.5 },
    { target: 'added latency p99 at c=1 ≤ 2 ms', value: `${fmt(redline.addedC1P99, 3)} ms`, met: redline.addedC1P99 <= 2 },
    { target: 'peak RSS under load ≤ 150 MB', value: `${fmt(redline.peakRssMb, 1)} MB`, met: (redline.peakRssMb ?? Infinity) <= 150 },
    { target: 'added time to first streamed token ≤ 5 ms (p50, burst upstream)', value: `${fmt(redline.addedTtftP50, 3)} ms`, met: redline.addedTtftP50 <= 5 },
    { target: 'added time to first streamed token ≤ 5 ms (p50, paced upstream)', value: `${fmt(redline.addedTtftPacedP50, 3)} ms`, met: redline.addedTtftPacedP50 <= 5 },
  ];
  if (portkey) {
    const ratio = redline.rps32 / portkey.rps32;
    t.unshift({ target: 'throughput at c=32 ≥ 5 × Portkey', value: `${fmt(ratio, 2)} ×`, met: ratio >= 5 });
  }
  return t;
}

export function fmt(v: number | null | undefined, digits: number): string {
  return v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);
}

const ROWS: Array<{ label: string; key: keyof Figures; digits: number; baseline?: (r: SystemRun) => number }> = [
  { label: 'throughput at c=32 (req/s)', key: 'rps32', digits: 0, baseline: (r) => r.c32.rps },
  { label: 'added latency c=1 p50 (ms)', key: 'addedC1P50', digits: 3, baseline: (r) => r.c1.latencyMs.p50 },
  { label: 'added latency c=1 p99 (ms)', key: 'addedC1P99', digits: 3, baseline: (r) => r.c1.latencyMs.p99 },
  { label: 'added latency c=32 p50 (ms)', key: 'addedC32P50', digits: 2, baseline: (r) => r.c32.latencyMs.p50 },
  { label: 'added latency c=32 p99 (ms)', key: 'addedC32P99', digits: 2, baseline: (r) => r.c32.latencyMs.p99 },
  { label: 'gateway CPU per request at c=32 (ms)', key: 'cpuMsPerRequest', digits: 3 },
  { label: 'RSS of gateway after start (MB)', key: 'idleRssMb', digits: 1 },
  { label: 'peak RSS of gateway (MB)', key: 'peakRssMb', digits: 1 },
  { label: 'added time to first token p50 (ms)', key: 'addedTtftP50', digits: 3, baseline: (r) => r.ttft.firstTokenMs.p50 },
  { label: 'added time to first token p99 (ms)', key: 'addedTtftP99', digits: 3, baseline: (r) => r.ttft.firstTokenMs.p99 },
  { label: 'added time to first token, paced upstream, p50 (ms)', key: 'addedTtftPacedP50', digits: 2, baseline: (r) => r.ttftPaced.firstTokenMs.p50 },
  { label: 'added time to first token, paced upstream, p99 (ms)', key: 'addedTtftPacedP99', digits: 2, baseline: (r) => r.ttftPaced.firstTokenMs.p99 },
  { label: 'failed requests', key: 'failures', digits: 0 },
];

/** Markdown table: the direct column shows absolute values (the baseline), the others what they add. */
export function table(base: SystemRun, portkey?: Figures, redline?: Figures): string {
  const lines = ['| | direct upstream (absolute) | Portkey | Redline | Redline / Portkey |', '|---|---:|---:|---:|---:|'];
  for (const row of ROWS) {
    const p = portkey?.[row.key] as number | null | undefined;
    const r = redline?.[row.key] as number | null | undefined;
    const ratio = p && r !== undefined && r !== null && row.key !== 'failures' ? fmt(r / p, 2) : '–';
    lines.push(`| ${row.label} | ${row.baseline ? fmt(row.baseline(base), row.digits) : '–'} | ${fmt(p, row.digits)} | ${fmt(r, row.digits)} | ${ratio} |`);
  }
  return lines.join('\n');
}
