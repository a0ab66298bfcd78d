/**
 * Open-addressing map from a 32-bit hash to a non-negative int, on one typed array. The feature
 * scan looks up every word's FNV-1a hash; a JS Map keyed by numbers above 2^30 boxes them as heap
 * numbers, and this table answers the same question several times faster without allocating.
 * Key and value sit side by side so a lookup touches one cache line.
 */
export class HashTable {
  private readonly mask: number;
  /** [key, value + 1] per slot; value + 1 = 0 marks an empty slot. */
  private readonly slots: Int32Array;

  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 1.5) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size * 2);
  }

  /** Insert or overwrite (a later key with the same hash wins, as with Map.set). */
  set(hash: number, value: number): void {
    const k = hash | 0;
    for (let i = slot(k) & this.mask; ; i = (i + 1) & this.mask) {
      if (this.slots[2 * i + 1] === 0 || this.slots[2 * i] === k) {
        this.slots[2 * i] = k;
        this.slots[2 * i + 1] = value + 1;
        return;
      }
    }
  }

  /** The value for `hash`, or -1. */
  get(hash: number): number {
    const k = hash | 0;
    const t = this.slots;
    for (let i = slot(k) & this.mask; ; i = (i + 1) & this.mask) {
      const v = t[2 * i + 1]!;
      if (v === 0) return -1;
      if (t[2 * i] === k) return v - 1;
    }
  }
}

/** Spread the key over all bits (FNV-1a low bits alone cluster for short words). */
function slot(k: number): number {
  const h = Math.imul(k, 0x9e3779b1);
  return (h ^ (h >>> 16)) >>> 0;
}
