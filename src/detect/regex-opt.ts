/**
 * A compile-time rewrite that keeps a concept's meaning and roughly halves its cost:
 * "(\bA|\bB|\bC)" → "\b(?:A|B|C)". V8 does not hoist a word boundary shared by every alternative,
 * so the original tries each alternative at every position; the rewrite checks the boundary once.
 * Only `.test()` is used on concepts, so turning the outer group non-capturing changes nothing.
 */
export function hoistWordBoundary(src: string): string {
  if (!src.startsWith('(\\b') || !src.endsWith(')')) return src;
  const parts = topLevelAlternatives(src.slice(1, -1));
  if (!parts || !parts.every((p) => p.startsWith('\\b'))) return src;
  return `\\b(?:${parts.map((p) => p.slice(2)).join('|')})`;
}

/** Split on top-level "|" (outside groups and classes); undefined if the parentheses do not balance. */
function topLevelAlternatives(body: string): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      cur += c + (body[++i] ?? '');
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      cur += c;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return undefined;
    else if (c === '|' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (depth !== 0) return undefined;
  parts.push(cur);
  return parts;
}

/**
 * One regex that matches a text exactly when at least one of `sources` does: a backtracking matcher
 * tries every alternative at every position, so an alternation matches where any part would.
 * The parts' top-level alternatives are flattened so a \b they all start with is checked once per
 * position. Undefined when a source refers back to a group (numbering would shift) or does not parse.
 */
export function anyOf(sources: string[]): string | undefined {
  if (sources.some((s) => /\\[1-9k]/.test(s))) return undefined;
  const alts: string[] = [];
  for (const s of sources) {
    const parts = topLevelAlternatives(hoistWordBoundary(s));
    if (!parts) return undefined;
    alts.push(...parts);
  }
  return hoistWordBoundary(`(${alts.join('|')})`);
}
