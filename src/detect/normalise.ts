/**
 * Stage 1: fold text to one canonical form so rules and the classifier see "k1ll", "ｋｉｌｌ",
 * "kіll" (Cyrillic і) and "k\u200Bill" as the same word. Output is lower-case, single-spaced.
 */

// Zero-width, bidi controls, soft hyphen, BOM and C0/C1 controls (tab/newline become spaces below).
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFE00-\uFE0F\uFEFF\u0000-\u0008\u000E-\u001F\u007F-\u009F]/g;

/**
 * Confusables that NFKC leaves alone: Cyrillic, Greek and a few Latin look-alikes folded to the
 * ASCII letter they imitate (subset of Unicode TR39 confusables.txt covering letters used in attacks).
 */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g', ӏ: 'l', ү: 'y', ʀ: 'r',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  γ: 'y', μ: 'u', ϲ: 'c', ϳ: 'j',
  // Latin look-alikes and dotless forms
  ı: 'i', ȷ: 'j', ł: 'l', ø: 'o', đ: 'd', ħ: 'h', ŧ: 't', ƅ: 'b', ɑ: 'a', ɩ: 'i', ɪ: 'i', ʏ: 'y', ᴀ: 'a',
  ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ᴋ: 'k', ᴍ: 'm', ᴏ: 'o', ᴘ: 'p', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ᴢ: 'z',
};
const CONFUSABLE_RE = new RegExp(`[${Object.keys(CONFUSABLES).join('')}]`, 'g');

// Leetspeak digits/symbols, folded only inside tokens that also contain letters ("k1ll", "5urv31llance"),
// so numbers such as "200 ms" or "3000.09" stay numbers.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't' };
// Only tokens where a letter touches a digit or symbol: the callback runs for those alone.
const LEET_TOKEN = /[a-z0-9@$!|+]*(?:[a-z][0-9@$!|+]|[0-9@$!|+][a-z])[a-z0-9@$!|+]*/g;
const SNAKE_OR_QUOTE = /[_`"]|(?:^|\W)'|'(?:\W|$)/;
const UNTIDY_SPACE = /\s\s|[\t\n\r\f\v\u00a0\u2000-\u200a\u2028\u2029\u3000]/;
const HAS_LEET = /[0-9@$!|+]/;
const LEET_CHAR = /[01345789@$!|+]/g;

/** Characters used to split words ("k.i.l.l", "k-i-l-l"): joined back when every part is one letter. */
const SPACED_LETTERS = /\b(?:[a-z][ .\-_*]){3,}[a-z]\b/g;

const COMBINING_MARKS = /[\u0300-\u036f]/g;

const NON_PRINTABLE_ASCII = /[^\x20-\x7e\t\n\r]/;
// A letter next to a digit or symbol: the only case where leetspeak folding can change anything.
// Written to start at the rare digit/symbol (a letter before it is checked by lookbehind), so the
// scan skips ahead to candidates instead of trying every letter: same answer as
// /[a-z][0-9@$!|+]|[0-9@$!|+][a-z]/, about a third of the time on 1 KB prompts.
const LEET_HINT = /[0-9@$!|+](?:(?<=[a-z].)|[a-z])/;
// Four single letters split by separators. Written to start at a separator (rarer than letters),
// with the rest checked by lookbehind: same answer as
// /(?:^|[^a-z])[a-z][ .\-_*][a-z][ .\-_*][a-z][ .\-_*][a-z](?![a-z])/ (verified on 300k fuzzed strings).
const SPACED_HINT = /[ .\-_*][a-z][ .\-_*][a-z][ .\-_*](?<=(?:^|[^a-z])[a-z][ .\-_*][a-z][ .\-_*][a-z][ .\-_*])[a-z](?![a-z])/;
/**
 * Non-ASCII text whose only non-ASCII characters are general punctuation (U+2010–U+205E: dashes,
 * curly quotes, ellipsis…) is already in NFC with no combining marks, so the accent-stripping
 * NFD → strip → NFC round trip would return it unchanged and is skipped.
 */
const NEEDS_ACCENT_FOLD = /[^\x00-\x7f\u2010-\u205e]/;

export function normalise(text: string): string {
  let s: string;
  let ascii = false;
  if (NON_PRINTABLE_ASCII.test(text)) {
    // Fast path skipped: NFKC, invisible characters, confusables and accents only matter outside ASCII.
    s = text.normalize('NFKC').toLowerCase().replace(INVISIBLE, '');
  } else (s = text.toLowerCase()), (ascii = true); // lower-casing printable ASCII stays ASCII
  if (!ascii && /[^\x00-\x7f]/.test(s)) {
    s = s.replace(CONFUSABLE_RE, (c) => CONFUSABLES[c] ?? c);
    // Strip accents ("tàrgét") after confusables so decorated letters fold too.
    if (NEEDS_ACCENT_FOLD.test(s)) s = s.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
  }
  if (LEET_HINT.test(s)) s = s.replace(LEET_TOKEN, foldLeetToken);
  if (SPACED_HINT.test(s)) s = s.replace(SPACED_LETTERS, (m) => m.replace(/[ .\-_*]/g, ''));
  // Identifiers and quotes hide words from the rules: "await_operator_confirmation()" → words.
  if (SNAKE_OR_QUOTE.test(s)) s = s.replace(/[_`"]+/g, ' ').replace(/(^|\W)'+|'+(?=\W|$)/g, '$1 ');
  // Every whitespace run becomes one space; a run that already is one plain space is left alone
  // (same result as replacing /\s+/g, without rebuilding the string at every word gap).
  if (UNTIDY_SPACE.test(s)) s = s.replace(/\s{2,}|[^\S ]/g, ' ');
  return s.trim();
}

/**
 * Known words, when a vocabulary is loaded (the classifier's word list): leet folding then keeps a
 * token that is already a word and folds one whose folded form is a word ("th3" → "the",
 * "n07" → "not", "sho075" → "shoots"), which the shape heuristics below cannot tell apart.
 */
let isWord: ((w: string) => boolean) | undefined;

export function setVocabulary(predicate: ((w: string) => boolean) | undefined): void {
  isWord = predicate;
}

function foldLeetToken(token: string): string {
  if (!HAS_LEET.test(token)) return token;
  token = token.replace(/[!|+]+$/, ''); // trailing "!" or "++" is punctuation, not a letter
  const folded = token.replace(LEET_CHAR, (c) => LEET[c] ?? c);
  if (isWord) {
    if (isWord(token)) return token;
    if (isWord(folded)) return folded;
  }
  // Keep ordinary alphanumerics like "f16", "3d", "b2b", "mk48": fold only when digits sit between
  // letters or symbols replace letters (two or more trailing digits, or at most two letters before
  // them, are model numbers, not leet).
  if (/^[a-z]+\d{2,}$/.test(token) || /^[a-z]{1,2}\d+$/.test(token) || /^\d+[a-z]{1,2}$/.test(token)) return token;
  return folded;
}
