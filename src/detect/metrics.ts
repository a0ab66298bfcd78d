import type { Decision, Verdict } from '../policy/types.js';

/** Evaluation arithmetic for `redline eval` and bench/detector.ts. */

export interface LabelledRow {
  id: string;
  text: string;
  expect: Decision;
  category: string;
}

export interface Outcome {
  row: LabelledRow;
  verdict: Verdict;
  micros: number;
}

export interface CategoryMetrics {
  category: string;
  positives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Share of this category's block rows that were blocked. */
  blockRecall: number;
}

export interface EvalReport {
  rows: number;
  accuracy: number;
  categories: CategoryMetrics[];
  allowed: number;
  /** Allowed rows that were blocked or sent to review. */
  overBlockRate: number;
  misclassified: Array<{ id: string; expect: Decision; got: Decision; category: string }>;
  latency: { p50: number; p99: number; unit: 'µs' };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const round = (x: number) => Math.round(x * 10000) / 10000;

export function report(outcomes: Outcome[]): EvalReport {
  const cats = [...new Set(outcomes.map((o) => o.row.category).filter((c) => c && c !== 'none'))].sort();
  const categories = cats.map((c): CategoryMetrics => {
    let tp = 0, fp = 0, pos = 0, blockRows = 0, blocked = 0;
    for (const { row, verdict } of outcomes) {
      const truth = row.category === c && row.expect !== 'allow';
      const flagged = verdict.decision !== 'allow' && verdict.categories.some((k) => k.id === c);
      if (truth) pos++;
      if (truth && flagged) tp++;
      if (!truth && flagged) fp++;
      if (row.category === c && row.expect === 'block') {
        blockRows++;
        if (verdict.decision === 'block') blocked++;
      }
    }
    const precision = ratio(tp, tp + fp);
    const recall = ratio(tp, pos);
    return { category: c, positives: pos, precision: round(precision), recall: round(recall), f1: round(ratio(2 * precision * recall, precision + recall)), blockRecall: round(ratio(blocked, blockRows)) };
  });
  const allowedRows = outcomes.filter((o) => o.row.expect === 'allow');
  const micros = outcomes.map((o) => o.micros).sort((a, b) => a - b);
  return {
    rows: outcomes.length,
    accuracy: round(ratio(outcomes.filter((o) => o.verdict.decision === o.row.expect).length, outcomes.length)),
    categories,
    allowed: allowedRows.length,
    overBlockRate: round(ratio(allowedRows.filter((o) => o.verdict.decision !== 'allow').length, allowedRows.length)),
    misclassified: outcomes
      .filter((o) => o.verdict.decision !== o.row.expect)
      .map((o) => ({ id: o.row.id, expect: o.row.expect, got: o.verdict.decision, category: o.row.category })),
    latency: { p50: round(percentile(micros, 50)), p99: round(percentile(micros, 99)), unit: 'µs' },
  };
}
