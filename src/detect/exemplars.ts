import type { Classifier } from './classifier.js';
import { normalise } from './normalise.js';
import type { RuleSet } from './rules.js';

/**
 * Categories without a trained head (e.g. a deployment's `offensive_cyber`) are scored by nearest
 * neighbours in embedding space: how much closer the text is to the category's examples than to
 * its negatives. This is what lets a deployment add a category with no code and no training.
 */

const SHARPNESS = 14;

export class ExemplarScorer {
  private readonly pos: Float32Array[];
  private readonly neg: Float32Array[];

  constructor(examples: string[], negatives: string[], classifier: Classifier, rules: RuleSet) {
    const embed = (t: string) => {
      const n = normalise(t);
      // features() reuses its buffers: keep a copy.
      return classifier.features(n, rules.concepts(n)).mean.slice();
    };
    this.pos = examples.map(embed);
    this.neg = negatives.map(embed);
  }

  get usable(): boolean {
    return this.pos.length > 0;
  }

  /** 0..1: high when the nearest example is near and clearly nearer than the nearest negative. */
  score(mean: Float32Array): number {
    const p = maxCos(mean, this.pos);
    const n = this.neg.length ? maxCos(mean, this.neg) : 0.5;
    // Both the absolute closeness and a clear margin over the negatives must be there: mean word
    // vectors capture topic better than intent, so this stays conservative and patterns do the rest.
    const z = SHARPNESS * Math.min(p - 0.75, (p - n) * 2.5 - 0.05);
    return 1 / (1 + Math.exp(-z));
  }
}

function maxCos(v: Float32Array, set: Float32Array[]): number {
  let best = -1;
  for (const e of set) {
    let dot = 0;
    for (let d = 0; d < v.length; d++) dot += v[d]! * e[d]!;
    if (dot > best) best = dot;
  }
  return best;
}
