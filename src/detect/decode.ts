/**
 * Stage 2: find payloads hidden in encodings (base64, hex, %-encoding, rot13) and return their
 * decoded text so it is screened like any other text. Only decodings that look like language are
 * kept, so random ids and hashes do not produce noise.
 */

const BASE64_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_RUN = /\b(?:[0-9a-fA-F]{2}[\s:]?){8,}\b/g;
const URL_ESCAPE = /%[0-9a-fA-F]{2}/g;
// Frequent English words: a rot13 payload has none of them, its decoding has several.
const COMMON = /\b(?:the|and|to|of|a|in|is|that|for|it|you|with|on|without|every|all|any|this|from|by|their|them|who|each|when|then|no|our)\b/g;
const ROT13_MARKER = /\b(?:rot-?13|caesar|rotate by 13)\b/i;

/** Printable-text check: mostly letters and spaces, few control or high bytes. */
function looksLikeText(s: string): boolean {
  if (s.length < 6) return false;
  let letters = 0;
  let bad = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 32) letters++;
    else if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) bad++;
  }
  return bad === 0 && letters / s.length > 0.7 && s.includes(' ');
}

export function rot13(s: string): string {
  return s.replace(/[a-zA-Z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/**
 * Common words in `s` (non-overlapping, as String.match counts them), but counting stops once
 * `limit` is reached: callers only compare the count with a bound, and English text reaches it
 * within the first few words.
 */
function countCommon(s: string, limit = Infinity): number {
  const lower = s.toLowerCase();
  COMMON.lastIndex = 0;
  let n = 0;
  while (n < limit && COMMON.exec(lower)) n++;
  COMMON.lastIndex = 0;
  return n;
}

/**
 * Decoded payloads found in `text` (raw, before normalisation, since decoding is case-sensitive).
 * Nested encodings (base64 of hex, …) are followed up to `depth` levels.
 */
export function decodePayloads(text: string, depth = 2): string[] {
  const out: string[] = [];
  collect(text, depth, out);
  return out;
}

function collect(text: string, depth: number, out: string[]): void {
  if (depth <= 0 || text.length < 8) return;
  const found: string[] = [];
  if (text.length >= 16 && hasLongRun(text)) {
    for (const m of text.matchAll(BASE64_RUN)) {
      const run = m[0];
      // Plain long words (no digits, no case changes) are not base64 worth decoding.
      if (!/[A-Z]/.test(run) || !/[a-z]/.test(run)) continue;
      const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
      if (looksLikeText(decoded)) found.push(decoded);
    }
    for (const m of text.matchAll(HEX_RUN)) {
      const hex = m[0].replace(/[\s:]/g, '');
      if (hex.length % 2) continue;
      const decoded = Buffer.from(hex, 'hex').toString('utf8');
      if (looksLikeText(decoded)) found.push(decoded);
    }
  }
  if (text.includes('%') && (text.match(URL_ESCAPE)?.length ?? 0) >= 3) {
    try {
      const decoded = decodeURIComponent(text.replace(/\+/g, ' '));
      if (decoded !== text) found.push(decoded);
    } catch {
      /* malformed escapes: nothing to decode */
    }
  }
  // rot13 is only tried on text that is not already English (few common words), or when announced.
  // Judge "is this English?" on a prefix: a 1 KB prompt costs the same as a short one.
  const sample = text.length > 300 ? text.slice(0, 300) : text;
  const marked = ROT13_MARKER.test(text);
  const few = (sample.length / 6) * 0.08;
  // Unmarked text only needs "fewer than `few`?", so counting may stop there; when the branch is
  // taken the count is exact (it stopped below the bound, or was not bounded).
  const common = countCommon(sample, marked ? Infinity : few);
  if (marked || common < few) {
    const rotated = rot13(text);
    const enough = Math.max(2, common * 2);
    if (countCommon(rotated.slice(0, 300), enough + 1) > enough) found.push(rotated);
  }
  for (const f of found) {
    out.push(f);
    collect(f, depth - 1, out);
  }
}

/** Per ASCII code: 1 = base64/hex run character [A-Za-z0-9+/=_-], 2 also set for a digit or capital. */
const RUN_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const digitOrUpper = (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  if (digitOrUpper) RUN_CHAR[c] = 3;
  else if ((c >= 97 && c <= 122) || c === 43 || c === 47 || c === 61 || c === 95 || c === 45) RUN_CHAR[c] = 1;
}
const runClass = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c < 128 ? RUN_CHAR[c]! : 0;
};

/**
 * Is there a run of 16+ base64/hex characters that contains a digit or a capital? (Cheap gate before
 * the regexes: hyphenated lower-case words like "human-in-the-loop" are not payloads.) A run of 16
 * covers one of every 16 consecutive positions, so only every 16th character is probed and the run
 * around a probe that lands inside one is measured: about a third of the characters are read.
 */
function hasLongRun(s: string): boolean {
  const n = s.length;
  for (let p = 15; p < n; ) {
    if (runClass(s, p) === 0) {
      p += 16;
      continue;
    }
    let a = p;
    while (a > 0 && runClass(s, a - 1) !== 0) a--;
    let b = p + 1;
    while (b < n && runClass(s, b) !== 0) b++;
    if (b - a >= 16) for (let i = a; i < b; i++) if (runClass(s, i) === 3) return true;
    // s[b] ends the run: any later run of 16 covers one of b+16, b+32, …
    p = b + 16;
  }
  return false;
}
