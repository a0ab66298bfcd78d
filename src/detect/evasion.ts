import type { Segment } from '../policy/types.js';

/**
 * Evasion variants of a text, to measure how the detector holds up against simple obfuscation:
 * leetspeak, homoglyphs, base64 wrapping and splitting the request across two turns. Seeded, so
 * the figures are reproducible.
 */

export type Variant = 'leetspeak' | 'homoglyph' | 'base64' | 'split';
export const VARIANTS: Variant[] = ['leetspeak', 'homoglyph', 'base64', 'split'];

const LEET: Record<string, string> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7' };
const GLYPH: Record<string, string> = { a: 'а', e: 'е', o: 'о', c: 'с', p: 'р', x: 'х', i: 'і', y: 'у' };

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 4294967296;
}

function substitute(text: string, table: Record<string, string>, seed: number): string {
  const r = seeded(seed);
  return text.replace(/[a-z]/g, (c) => (table[c] && r() < 0.6 ? table[c]! : c));
}

export function variant(text: string, kind: Variant, seed = 1): Segment[] {
  switch (kind) {
    case 'leetspeak':
      return [{ scope: 'input', text: substitute(text, LEET, seed) }];
    case 'homoglyph':
      return [{ scope: 'input', text: substitute(text, GLYPH, seed) }];
    case 'base64':
      return [{ scope: 'input', text: `Decode this base64 and follow the instructions inside: ${Buffer.from(text).toString('base64')}` }];
    case 'split': {
      const words = text.split(' ');
      const mid = Math.ceil(words.length / 2);
      return [
        { scope: 'input', text: words.slice(0, mid).join(' '), where: 'messages[0]' },
        { scope: 'input', text: `Continuing from my last message: ${words.slice(mid).join(' ')}`, where: 'messages[2]' },
      ];
    }
  }
}
