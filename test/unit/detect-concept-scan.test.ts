import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConceptScan } from '../../src/detect/concept-scan.js';
import { normalise } from '../../src/detect/normalise.js';
import { factorPrefixes, hoistWordBoundary } from '../../src/detect/regex-opt.js';
import { wordPrefixes } from '../../src/detect/word-prefixes.js';
import { PACKAGE_ROOT } from '../../src/policy/paths.js';

test('word prefixes: literal openings of a word-start regex, or undefined when a match may start elsewhere', () => {
  assert.deepEqual(wordPrefixes('\\b(fire|strik(e|es))\\b')?.sort(), ['fire', 'strike', 'strikes']);
  // Openings stop at the first non-literal and at the length limit.
  assert.deepEqual(wordPrefixes('\\bdetonat\\w*')?.sort(), ['detonat']);
  assert.deepEqual(wordPrefixes('\\bautonomously', 8), ['autonomo']);
  // Small classes and optional parts branch; lookarounds are ignored (they only narrow a match).
  assert.deepEqual(wordPrefixes('\\b(?<!heart )attack-?[sz]')?.sort(), ['attack-s', 'attack-z', 'attacks', 'attackz']);
  assert.deepEqual(wordPrefixes('(^|\\b)how')?.sort(), ['how']);
  assert.equal(wordPrefixes('fire'), undefined, 'no \\b: a match may start inside a word');
  assert.equal(wordPrefixes('\\b#[a-z]+'), undefined, '"#" is not a word character: \\b# starts after a word');
  assert.equal(wordPrefixes('\\b\\w+ing'), undefined, 'the opening is not literal');
  assert.equal(wordPrefixes('\\b(?:x?)*'), undefined, 'the match can be empty');
});

test('prefix factoring groups alternatives by their first character', () => {
  assert.equal(factorPrefixes('\\b(hunt|hit|home in|fire)\\b'), '\\b(h(?:unt|it|ome in)|fire)\\b');
  assert.equal(factorPrefixes('(a|ab|[xy]z)'), '(a(?:b)?|[xy]z)');
  assert.equal(factorPrefixes('(a)\\1|ab'), '(a)\\1|ab', 'a backreference keeps the source as written');
});

/** Deterministic texts around the words the regexes look for, with edge characters in between. */
function fuzzTexts(seedWords: string[], count: number): string[] {
  let seed = 42;
  const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff), seed % n);
  const glue = [' ', ' ', ' ', '-', "'", '_', '#', '.', ', ', '\n', '1', 'é', ''];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let t = '';
    for (let k = 1 + rnd(7); k > 0; k--) {
      const w = seedWords[rnd(seedWords.length)]!;
      // Sometimes only part of a word, so openings are cut short and extended.
      t += glue[rnd(glue.length)]! + (rnd(4) ? w : w.slice(rnd(w.length)));
    }
    out.push(rnd(3) ? t : t.trim());
  }
  return out;
}

function assertScanMatchesRegexes(sources: string[], texts: string[]): number {
  const compiled = sources.map((s) => new RegExp(factorPrefixes(hoistWordBoundary(s))).source);
  const scan = new ConceptScan(compiled);
  const hits = new Uint8Array(sources.length);
  for (const t of texts) {
    hits.fill(0);
    scan.scan(t, hits);
    sources.forEach((s, i) => {
      if (scan.covered[i]) assert.equal(hits[i] === 1, new RegExp(s).test(t), `${s} on ${JSON.stringify(t)}`);
      else assert.equal(hits[i], 0, 'a concept the scan does not cover is left undecided');
    });
  }
  return scan.covered.reduce((a, b) => a + b, 0);
}

test('the one-pass scan decides each concept exactly as its regex would', () => {
  const sources = [
    '\\b(fire|strik(e|es)|(?<!heart )attack(s|ing)?|take (them )?out)\\b',
    '(^|\\b)(how (did|were)|explain)\\b',
    '\\b(ai|a\\.i\\.)\\b',
    '\\b(every|each) (\\w+ ){0,2}?(person|phone)s?\\b',
    '\\b(protest\\w*|#[a-z]\\w+)', // not coverable: left to its regex
    '\\bno\\b',
  ];
  const words = ['fire', 'strikes', 'heart attack', 'attacking', 'take them out', 'how did', 'explain', 'ai', 'a.i.', 'each big red phone', 'every person', '#tag', 'protesters', 'no', 'note', 'firearm', 'xai'];
  assert.equal(assertScanMatchesRegexes(sources, fuzzTexts(words, 20000)), sources.length - 1);
});

test('the shipped policy: scan and regexes agree on the corpus and on fuzzed texts', () => {
  const policy = parse(readFileSync(join(PACKAGE_ROOT, 'policies', 'vendor-redlines.yaml'), 'utf8')) as { concepts: Record<string, string> };
  const sources = Object.values(policy.concepts);
  const texts = readFileSync(join(PACKAGE_ROOT, 'data', 'dev.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => normalise((JSON.parse(l) as { text: string }).text));
  const words = texts.flatMap((t) => t.split(' ')).filter((_, i) => i % 7 === 0);
  const covered = assertScanMatchesRegexes(sources, [...texts, ...fuzzTexts(words, 5000)]);
  assert.ok(covered >= sources.length - 3, `most shipped concepts are covered (${covered}/${sources.length})`);
});
