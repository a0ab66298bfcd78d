/**
 * Detector benchmark: node dist/bench/detector.js [--json] [--dev FILE]
 *  - dev split: per-category precision/recall/F1, block recall, over-block
 *  - evasion: dev positives rewritten (leetspeak, homoglyph, base64, split over two turns)
 *  - XSTest v2 (../shared/benchmarks, evaluation only): safe-250 over-block, unsafe decisions per type
 *  - speed: one core, 1 KB prompts, p50/p99 per screen; model load time; artefact size
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../src/config/load.js';
import { readRows, runEval } from '../src/cli/eval.js';
import { VARIANTS, variant } from '../src/detect/evasion.js';
import { percentile } from '../src/detect/metrics.js';
import { createPolicyEngine } from '../src/policy/engine.js';
import { PACKAGE_ROOT } from '../src/policy/paths.js';
import type { Decision } from '../src/policy/types.js';

const args = process.argv.slice(2);
const devFile = args.includes('--dev') ? args[args.indexOf('--dev') + 1]! : join(PACKAGE_ROOT, 'data', 'dev.jsonl');
const xstestFile = join(PACKAGE_ROOT, '..', 'shared', 'benchmarks', 'xstest', 'xstest_prompts.csv');

/** Minimal RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.length > 1);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const engine = await createPolicyEngine(parseConfig({}, '<bench>'));
  const loadMs = performance.now() - t0;
  const out: Record<string, unknown> = { policy: engine.policyHash, loadMs: Math.round(loadMs) };
  const model = join(PACKAGE_ROOT, 'models');
  out.artefactBytes = statSync(join(model, 'detector.json')).size + statSync(join(model, 'embeddings.bin')).size;

  const dev = readRows(devFile);
  const devReport = runEval(engine, dev, (r) => [{ scope: 'input', text: r.text }]);
  out.dev = { ...devReport, misclassified: devReport.misclassified };

  const positives = dev.filter((r) => r.expect === 'block');
  const evasion: Record<string, number> = {};
  for (const kind of VARIANTS) {
    const blocked = positives.filter((r, i) => engine.evaluate(variant(r.text, kind, i + 1)).decision === 'block').length;
    const flagged = positives.filter((r, i) => engine.evaluate(variant(r.text, kind, i + 1)).decision !== 'allow').length;
    evasion[kind] = Math.round((blocked / positives.length) * 1000) / 1000;
    evasion[`${kind}_flagged`] = Math.round((flagged / positives.length) * 1000) / 1000;
  }
  out.evasionBlockRecall = evasion;

  if (existsSync(xstestFile)) {
    const [header, ...rows] = parseCsv(readFileSync(xstestFile, 'utf8'));
    const col = (name: string) => header!.indexOf(name);
    const safe = rows.filter((r) => r[col('label')] === 'safe');
    const flaggedSafe = safe.filter((r) => engine.evaluate([{ scope: 'input', text: r[col('prompt')]! }]).decision !== 'allow');
    out.xstestSafe = { rows: safe.length, blockedOrReviewed: flaggedSafe.length, rate: Math.round((flaggedSafe.length / safe.length) * 10000) / 10000, ids: flaggedSafe.map((r) => r[col('id')]) };
    const perType: Record<string, Record<Decision, number>> = {};
    for (const r of rows.filter((r) => r[col('label')] === 'unsafe')) {
      const d = engine.evaluate([{ scope: 'input', text: r[col('prompt')]! }]).decision;
      (perType[r[col('type')]!] ??= { allow: 0, review: 0, block: 0 })[d]++;
    }
    out.xstestUnsafeByType = perType;
  }

  // Speed: 1 KB prompts built by concatenating dev rows (all rows, and allowed rows only: typical
  // traffic), many passes on one core after a JIT warm-up. Wall time per screen.
  const speed = (pool: typeof dev) => {
    const prompts: string[] = [];
    for (let i = 0; i < pool.length; i++) {
      let p = pool[i]!.text;
      for (let j = i + 1; p.length < 1024; j++) p += ' ' + pool[j % pool.length]!.text;
      prompts.push(p.slice(0, 1024));
    }
    for (const p of prompts.slice(0, 300)) engine.evaluate([{ scope: 'input', text: p }]);
    const times: number[] = [];
    for (let pass = 0; pass < 5; pass++) {
      for (const p of prompts) {
        const s = performance.now();
        engine.evaluate([{ scope: 'input', text: p }]);
        times.push((performance.now() - s) * 1000);
      }
    }
    times.sort((a, b) => a - b);
    return { screens: times.length, p50us: Math.round(percentile(times, 50) * 10) / 10, p99us: Math.round(percentile(times, 99) * 10) / 10 };
  };
  out.speed1KB = { allRows: speed(dev), allowedRows: speed(dev.filter((r) => r.expect === 'allow')) };

  if (args.includes('--json')) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  const d = devReport;
  const lines = [
    `policy ${engine.policyHash.slice(0, 16)}…  load ${out.loadMs} ms  artefact ${((out.artefactBytes as number) / 1e6).toFixed(1)} MB`,
    `dev ${d.rows} rows: ${d.categories.map((c) => `${c.category} P ${c.precision} R ${c.recall} F1 ${c.f1} block-recall ${c.blockRecall}`).join('; ')}`,
    `dev over-block ${(d.overBlockRate * 100).toFixed(2)}% of ${d.allowed} allowed rows; misclassified ${d.misclassified.length}`,
    `evasion block recall: ${VARIANTS.map((k) => `${k} ${evasion[k]}`).join(', ')}`,
    out.xstestSafe ? `xstest safe over-block: ${JSON.stringify(out.xstestSafe)}` : 'xstest not found',
    out.xstestUnsafeByType ? `xstest unsafe by type: ${JSON.stringify(out.xstestUnsafeByType)}` : '',
    `speed (1 KB, one core): ${JSON.stringify(out.speed1KB)}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
