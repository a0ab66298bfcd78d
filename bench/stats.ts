/** Latency summaries from raw samples (milliseconds, full float precision). */

export interface LatencySummary {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

/** Nearest-rank percentile of sorted samples. */
function rank(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(samples: Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return { samples: sorted.length, p50: rank(sorted, 50), p90: rank(sorted, 90), p99: rank(sorted, 99), mean: sorted.length ? sum / sorted.length : Number.NaN };
}

/** A growable Float64 buffer: latencies are recorded without per-sample allocation. */
export class Samples {
  private buf = new Float64Array(1 << 16);
  private n = 0;

  push(v: number): void {
    if (this.n === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.n++] = v;
  }

  values(): Float64Array {
    return this.buf.subarray(0, this.n);
  }
}
