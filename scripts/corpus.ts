import { readFileSync } from 'node:fs';

/** Labelled corpus rows (data/corpus/*.jsonl, data/train.jsonl, data/dev.jsonl). */
export interface CorpusRow {
  id: string;
  text: string;
  expect: 'block' | 'review' | 'allow';
  category: string;
  style?: string;
}

export function readJsonl(file: string): CorpusRow[] {
  const rows: CorpusRow[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const r = JSON.parse(line) as CorpusRow;
        if (typeof r.id !== 'string' || typeof r.text !== 'string' || !['block', 'review', 'allow'].includes(r.expect)) throw new Error('missing id/text/expect');
        rows.push(r);
      } catch (err) {
        process.stderr.write(`${file}:${i + 1}: skipped (${(err as Error).message})\n`);
      }
    });
  return rows;
}

/** Seeded PRNG (mulberry32) so training and evasion variants are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
