import type { ConceptHits } from './rules.js';
import { wordPrefixes } from './word-prefixes.js';

/**
 * All concepts in one pass over the text's word starts, instead of one regex scan per concept.
 *
 * Most concepts can only match where a word starts with one of a few literal openings (see
 * word-prefixes.ts): "\b(hunt(s|ing)?|go(es)? after|…)" only where a word starts "hunt", "go af",
 * "goes af", …. The openings of every such concept go into one trie. Walking the trie from each
 * word start lists the concepts that could match there, and each is tried there alone with a sticky
 * copy of its regex. A concept is present exactly when one of those tries succeeds, because every
 * match of it starts at such a position: the states are the same as testing each regex on the whole
 * text, for a fraction of the work (each regex otherwise tries all its alternatives at every
 * position of the text). Concepts whose openings cannot be listed are left to their regex.
 */
export class ConceptScan {
  /** 1 where the scan decides the concept. */
  readonly covered: Uint8Array;
  private readonly sticky: Array<RegExp | undefined>;
  /** Trie node reached by each ASCII character from the root, or -1. */
  private readonly root = new Int32Array(128).fill(-1);
  /** Per node: its children as [start, end) in edgeChar/edgeNode, and its concepts as [start, end) in ends. */
  private readonly childStart: Int32Array;
  private readonly childEnd: Int32Array;
  private readonly edgeChar: Uint16Array;
  private readonly edgeNode: Int32Array;
  private readonly endStart: Int32Array;
  private readonly endEnd: Int32Array;
  private readonly ends: Int32Array;

  constructor(sources: readonly string[]) {
    this.covered = new Uint8Array(sources.length);
    this.sticky = sources.map(() => undefined);
    // Build a pointer trie first, then flatten it into typed arrays (one lookup path, no objects).
    const nodes: Array<{ kids: Map<number, number>; ends: number[] }> = [{ kids: new Map(), ends: [] }];
    sources.forEach((src, i) => {
      const openings = wordPrefixes(src);
      if (!openings) return;
      this.covered[i] = 1;
      this.sticky[i] = new RegExp(src, 'y');
      for (const s of prefixFree(openings)) {
        let n = 0;
        for (let k = 0; k < s.length; k++) {
          const c = s.charCodeAt(k);
          let next = nodes[n]!.kids.get(c);
          if (next === undefined) nodes[n]!.kids.set(c, (next = nodes.push({ kids: new Map(), ends: [] }) - 1));
          n = next;
        }
        nodes[n]!.ends.push(i);
      }
    });
    const edges = nodes.reduce((a, n) => a + n.kids.size, 0);
    this.childStart = new Int32Array(nodes.length);
    this.childEnd = new Int32Array(nodes.length);
    this.edgeChar = new Uint16Array(edges);
    this.edgeNode = new Int32Array(edges);
    this.endStart = new Int32Array(nodes.length);
    this.endEnd = new Int32Array(nodes.length);
    this.ends = new Int32Array(nodes.reduce((a, n) => a + n.ends.length, 0));
    let e = 0;
    let f = 0;
    nodes.forEach((node, id) => {
      this.childStart[id] = e;
      for (const [c, to] of node.kids) (this.edgeChar[e] = c), (this.edgeNode[e++] = to);
      this.childEnd[id] = e;
      this.endStart[id] = f;
      for (const i of node.ends) this.ends[f++] = i;
      this.endEnd[id] = f;
    });
    for (const [c, to] of nodes[0]!.kids) if (c < 128) this.root[c] = to;
  }

  /** Decide every covered concept still 0 in `hits` (1 present, 2 absent). */
  scan(text: string, hits: ConceptHits): void {
    let open = 0;
    for (let i = 0; i < hits.length; i++) if (this.covered[i] && hits[i] === 0) open++;
    const len = text.length;
    let prevWord = false;
    for (let p = 0; p < len && open > 0; p++) {
      const c0 = text.charCodeAt(p);
      const word = isWord(c0);
      const starts = word && !prevWord;
      prevWord = word;
      if (!starts) continue;
      let node = this.root[c0]!;
      for (let k = p + 1; node >= 0; k++) {
        for (let j = this.endStart[node]!; j < this.endEnd[node]!; j++) {
          const i = this.ends[j]!;
          if (hits[i] !== 0) continue;
          const re = this.sticky[i]!;
          re.lastIndex = p;
          if (re.test(text)) (hits[i] = 1), open--;
        }
        node = k < len ? this.child(node, text.charCodeAt(k)) : -1;
      }
    }
    for (let i = 0; i < hits.length; i++) if (this.covered[i] && hits[i] === 0) hits[i] = 2;
  }

  private child(node: number, c: number): number {
    for (let e = this.childStart[node]!, end = this.childEnd[node]!; e < end; e++) if (this.edgeChar[e] === c) return this.edgeNode[e]!;
    return -1;
  }
}

/** A JS regex word character: [A-Za-z0-9_]. */
function isWord(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95;
}

/** Drop openings that extend another one: a text starting with "aid" already starts with "ai". */
function prefixFree(openings: string[]): string[] {
  const sorted = [...openings].sort();
  const out: string[] = [];
  for (const s of sorted) if (!out.length || !s.startsWith(out[out.length - 1]!)) out.push(s);
  return out;
}
