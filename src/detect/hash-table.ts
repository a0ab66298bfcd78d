/**
 * Open-addressing map from a 32-bit hash to a non-negative int, on typed arrays. The feature scan
 * looks up every word's FNV-1a hash; a JS Map keyed by numbers above 2^30 boxes them as heap
 * numbers, and this table answers the same question several times faster without allocating.
 */
export class HashTable {
  private readonly mask: number;
  private readonly keys: Int32Array;
  /** Stored value + 1, so 0 marks an empty slot. */
  private readonly vals: Int32Array;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size <<= 1;
    this.mask = size - 1;
    this.keys = new Int32Array(size);
    this.vals = new Int32Array(size);
  }

  /** Insert or overwrite (a later key with the same hash wins, as with Map.set). */
  set(hash: number, value: number): void {
    const k = hash | 0;
    for (let i = slot(k) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.vals[i] === 0 || this.keys[i] === k) {
        this.keys[i] = k;
        this.vals[i] = value + 1;
        return;
      }
    }
  }

  /** The value for `hash`, or -1. */
  get(hash: number): number {
    const k = hash | 0;
    for (let i = slot(k) & this.mask; ; i = (i + 1) & this.mask) {
      const v = this.vals[i]!;
      if (v === 0) return -1;
      if (this.keys[i] === k) return v - 1;
    }
  }
}

/** Spread the key over all bits (FNV-1a low bits alone cluster for short words). */
function slot(k: number): number {
  const h = Math.imul(k, 0x9e3779b1);
  return (h ^ (h >>> 16)) >>> 0;
}
