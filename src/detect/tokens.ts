/** Word tokens of normalised text, and a stop-word list so averages are about content words. */

const WORD = /[a-z][a-z0-9'-]*|[0-9]+/g;

export function tokens(normalised: string): string[] {
  return normalised.match(WORD) ?? [];
}

export const STOPWORDS = new Set(
  ('a an the and or but if then of to in on at by for with from as is are was were be been being it its this that these those ' +
    'i me my we our you your he she his her they them their there here so such can could would should will shall may might must do does did ' +
    'have has had not no yes than too very just also into over under about up down out off all any each every some more most other which what ' +
    'who whom whose when where why how').split(' '),
);

/** FNV-1a 32-bit hash: feature hashing without allocating n-gram strings. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Combine two token hashes into a bigram hash. */
export function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Words that negate what follows them in the clause ("no operator confirmation", "without a warrant"). */
export const NEGATOR_HASHES = new Set(
  "no not never without nobody none nothing neither nor cannot can't don't doesn't didn't won't isn't aren't wasn't shouldn't mustn't".split(' ').map((w) => fnv1a(w)),
);

/** Stop words by FNV-1a hash, so the feature scan can skip them without building strings. */
export const STOPWORD_HASHES = new Set([...STOPWORDS].map((w) => fnv1a(w)));
