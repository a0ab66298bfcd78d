/**
 * Deterministic train/dev split of data/corpus/*.jsonl: SHA-256 of the row id → ~80% train, ~20%
 * dev. Files named *.train.jsonl go to train whole: rows added for training only, so that the dev
 * split stays the same set from one round to the next. Duplicate texts (after normalisation) are
 * kept once (the first, in file-name order, training-only files last), and any row that equals a public benchmark prompt is
 * dropped, so benchmark rows can never leak into training.
 *
 *   node dist/scripts/split-corpus.js [--dev-share 0.2]
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalise } from '../src/detect/normalise.js';
import { PACKAGE_ROOT } from '../src/policy/paths.js';
import { readJsonl, type CorpusRow } from './corpus.js';

const devShare = Number(process.argv[process.argv.indexOf('--dev-share') + 1]) || 0.2;
const corpusDir = join(PACKAGE_ROOT, 'data', 'corpus');

function benchmarkTexts(): Set<string> {
  const out = new Set<string>();
  const csv = join(PACKAGE_ROOT, '..', 'shared', 'benchmarks', 'xstest', 'xstest_prompts.csv');
  if (!existsSync(csv)) return out;
  // Only used to exclude: the prompt column is the second field; a loose match on normalised text suffices.
  for (const line of readFileSync(csv, 'utf8').split('\n').slice(1)) {
    const m = line.match(/^\d+,(?:"((?:[^"]|"")*)"|([^,]*)),/);
    if (m) out.add(normalise((m[1] ?? m[2] ?? '').replace(/""/g, '"')));
  }
  return out;
}

const bench = benchmarkTexts();
const seen = new Set<string>();
const ids = new Set<string>();
const train: CorpusRow[] = [];
const dev: CorpusRow[] = [];
let dropped = 0;
// Training-only files come last: a duplicate of a dev row is dropped from them, never from dev.
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.jsonl')).sort();
const isTrainOnly = (f: string) => f.endsWith('.train.jsonl');
for (const f of [...files.filter((f) => !isTrainOnly(f)), ...files.filter(isTrainOnly)]) {
  const trainOnly = isTrainOnly(f);
  for (const row of readJsonl(join(corpusDir, f))) {
    const key = normalise(row.text);
    if (seen.has(key) || ids.has(row.id) || bench.has(key)) {
      dropped++;
      continue;
    }
    seen.add(key);
    ids.add(row.id);
    const h = createHash('sha256').update(row.id).digest().readUInt32BE(0) / 2 ** 32;
    (h < devShare && !trainOnly ? dev : train).push(row);
  }
}
const write = (file: string, rows: CorpusRow[]) => writeFileSync(join(PACKAGE_ROOT, 'data', file), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
write('train.jsonl', train);
write('dev.jsonl', dev);
process.stdout.write(`train ${train.length}, dev ${dev.length}, dropped ${dropped} duplicate/benchmark rows\n`);
