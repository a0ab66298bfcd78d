import { RegExpParser, type AST } from '@eslint-community/regexpp';

/**
 * The literal openings of a regex that can only match at the start of a word: `\b(hunt|go after)`
 * can only match where a word starts with "hunt" or "go after". The scan in concept-scan.ts uses
 * them to try a concept only at the few positions that start with one of its openings.
 *
 * For every way the regex can match, the first `maxLength` characters of the match (or the whole
 * match when shorter) are one of the returned strings. Assertions inside the regex (\b, lookaround)
 * are ignored here: ignoring a condition only adds strings, so the set stays complete. An opening
 * ends early where the regex stops being literal (\w, ., a negated or large class).
 * Undefined when that cannot be shown: a match could start other than at a word start (no leading
 * \b or ^, or a first character that is not a word character), a match could begin with a
 * non-literal, or the strings would be too many.
 */
export function wordPrefixes(src: string, maxLength = 8, cap = 4096): string[] | undefined {
  let pattern: AST.Pattern;
  try {
    pattern = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(src, 0, src.length, { unicode: false });
  } catch {
    return undefined;
  }
  const out = new Set<string>();
  let failed = false;
  let steps = 0;

  /** What is left to match: elements from `idx` on, then the rest of the enclosing sequence. */
  interface Rest {
    elems: readonly AST.Element[];
    idx: number;
    next: Rest | undefined;
  }

  const walk = (rest: Rest | undefined, acc: string, atWordStart: boolean, depth = 0): void => {
    if (failed) return;
    // Budgets: a quantified group that can match empty could otherwise be unrolled forever.
    if (++steps > cap * 64 || out.size > cap || depth > MAX_DEPTH) return void (failed = true);
    if (acc.length === maxLength) return void out.add(acc);
    while (rest && rest.idx >= rest.elems.length) rest = rest.next;
    if (!rest) {
      // The match can be empty: then it says nothing about the text.
      if (acc.length === 0) failed = true;
      else out.add(acc);
      return;
    }
    const el = rest.elems[rest.idx]!;
    const after: Rest = { elems: rest.elems, idx: rest.idx + 1, next: rest.next };
    const char = (code: number) => {
      const c = String.fromCharCode(code);
      // The first character must be a word character after a \b (or ^): then the match starts a word.
      if (acc.length === 0 && !(atWordStart && WORD.test(c))) return void (failed = true);
      walk(after, acc + c, atWordStart, depth + 1);
    };
    switch (el.type) {
      case 'Character':
        return char(el.value);
      case 'CharacterClass': {
        const codes = classCodes(el);
        if (!codes) return stop(acc);
        for (const c of codes) char(c);
        return;
      }
      case 'Assertion': {
        const opensWord = acc.length === 0 && ((el.kind === 'word' && !el.negate) || el.kind === 'start');
        return walk(after, acc, atWordStart || opensWord, depth + 1);
      }
      case 'Group':
      case 'CapturingGroup':
        for (const alt of el.alternatives) walk({ elems: alt.elements, idx: 0, next: after }, acc, atWordStart, depth + 1);
        return;
      case 'Quantifier': {
        if (el.min === 0) walk(after, acc, atWordStart, depth + 1);
        if (el.max === 0) return;
        // One more repetition, then the quantifier with one fewer (the set is the same for lazy ones).
        const fewer = { ...el, min: Math.max(0, el.min - 1), max: el.max - 1 } as AST.Quantifier;
        return walk({ elems: [el.element], idx: 0, next: { elems: [fewer], idx: 0, next: after } }, acc, atWordStart, depth + 1);
      }
      default:
        // \w, ., \d, backreferences: the literal opening ends here.
        stop(acc);
    }
  };
  /** The literal opening ends before `acc` is maxLength long: it is the opening (none at all fails). */
  const stop = (acc: string): void => {
    if (acc.length === 0) failed = true;
    else out.add(acc);
  };

  for (const alt of pattern.alternatives) walk({ elems: alt.elements, idx: 0, next: undefined }, '', false);
  return failed ? undefined : [...out];
}

const WORD = /\w/;
const MAX_DEPTH = 400;
const MAX_CLASS = 12;

/** Characters of a small, non-negated class like [sz] or [- ], else undefined. */
function classCodes(el: AST.CharacterClass): number[] | undefined {
  if (el.negate || el.unicodeSets) return undefined;
  const codes: number[] = [];
  for (const e of el.elements) {
    if (e.type === 'Character') codes.push(e.value);
    else if (e.type === 'CharacterClassRange' && e.max.value - e.min.value < MAX_CLASS) for (let c = e.min.value; c <= e.max.value; c++) codes.push(c);
    else return undefined;
  }
  return codes.length <= MAX_CLASS ? codes : undefined;
}
