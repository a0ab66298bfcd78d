import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { report, type LabelledRow, type Outcome, type EvalReport } from '../detect/metrics.js';
import { VARIANTS, variant, type Variant } from '../detect/evasion.js';
import type { PolicyEngine, Segment } from '../policy/types.js';
import { engineFromConfig } from '../policy/from-config.js';

/**
 * `redline eval FILE [--json]`: per-category precision/recall/F1, over-block rate on allowed rows,
 * misclassified ids and latency percentiles for a labelled JSONL file (id, text, expect, category).
 * `--variant leetspeak|homoglyph|base64|split` rewrites every row first (evasion testing).
 */
export function register(program: Command): void {
  program
    .command('eval')
    .description('measure the detector on a labelled JSONL file (id, text, expect, category)')
    .argument('<file>', 'labelled JSONL')
    .option('--json', 'print the report as JSON')
    .option('-c, --config <file>', 'gateway config (policy layers, detector model)')
    .option('--variant <kind>', `rewrite rows first: ${VARIANTS.join(', ')}`)
    .action(async (file: string, opts: { json?: boolean; config?: string; variant?: string }) => {
      if (opts.variant && !VARIANTS.includes(opts.variant as Variant)) throw new Error(`unknown variant ${opts.variant}`);
      const rows = readRows(file);
      const engine = await engineFromConfig(opts.config);
      const r = runEval(engine, rows, (row) => (opts.variant ? variant(row.text, opts.variant as Variant) : [{ scope: 'input', text: row.text }]), process.stderr.isTTY);
      process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : formatReport(r));
    });
}

export function readRows(file: string): LabelledRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const r = JSON.parse(l) as LabelledRow;
      if (typeof r.text !== 'string' || !['allow', 'review', 'block'].includes(r.expect)) throw new Error(`${file}:${i + 1}: needs text and expect (allow|review|block)`);
      return { id: String(r.id ?? i + 1), text: r.text, expect: r.expect, category: r.category ?? 'none' };
    });
}

export function runEval(engine: PolicyEngine, rows: LabelledRow[], toSegments: (r: LabelledRow) => Segment[], progress = false): EvalReport {
  const outcomes: Outcome[] = [];
  // Warm-up so the latency figures describe the steady state, not the JIT compiling the regexes.
  for (const row of rows.slice(0, 50)) engine.evaluate(toSegments(row));
  rows.forEach((row, i) => {
    const segments = toSegments(row);
    const t0 = performance.now();
    const verdict = engine.evaluate(segments);
    const micros = (performance.now() - t0) * 1000;
    outcomes.push({ row, verdict, micros });
    if (progress && (i % 25 === 0 || i === rows.length - 1)) drawBar(i + 1, rows.length);
  });
  if (progress) process.stderr.write('\n');
  return report(outcomes);
}

function drawBar(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
}

export function formatReport(r: EvalReport): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [`rows ${r.rows}, decision accuracy ${pct(r.accuracy)}`, 'category                 n   precision  recall  F1      block-recall'];
  for (const c of r.categories) {
    lines.push(`${c.category.padEnd(22)} ${String(c.positives).padStart(4)}   ${c.precision.toFixed(3).padStart(8)}  ${c.recall.toFixed(3)}   ${c.f1.toFixed(3)}   ${c.blockRecall.toFixed(3)}`);
  }
  lines.push(`over-block (allowed rows blocked or reviewed): ${pct(r.overBlockRate)} of ${r.allowed}`);
  lines.push(`latency per screen: p50 ${r.latency.p50.toFixed(1)} µs, p99 ${r.latency.p99.toFixed(1)} µs`);
  lines.push(`misclassified (${r.misclassified.length}): ${r.misclassified.map((m) => `${m.id}(${m.expect}→${m.got})`).join(' ')}`);
  return lines.join('\n') + '\n';
}
