import { PolicyError } from '../policy/errors.js';
import type { Condition, EffectivePolicy, PatternSpec } from '../policy/schema.js';
import { ConceptScan } from './concept-scan.js';
import { factorPrefixes, hoistWordBoundary } from './regex-opt.js';

/**
 * Stage 3: the policy's rules. Concepts (named regexes) are tested once per text into a bit array;
 * rules are all/any/none combinations of concepts and inline regexes, compiled to closures at load.
 */

export type ConceptHits = Uint8Array;
type Test = (text: string, hits: ConceptHits) => boolean;

export interface CompiledRule {
  id: string;
  category: string;
  action: 'review' | 'block';
  test: Test;
}

export class RuleSet {
  readonly conceptNames: string[];
  private readonly conceptRes: RegExp[];
  /** Decides most concepts in one pass over the word starts (the rest use their own regex). */
  private readonly scan: ConceptScan;
  readonly rules: CompiledRule[];
  /** Per category: condition the classifier needs before it may flag alone (absent = always). */
  readonly evidence = new Map<string, Test>();
  /** Per category: condition under which the classifier alone may not flag. */
  readonly dampen = new Map<string, Test>();

  /**
   * Per concept: 1 when its regex has no anchor (^ $) and no lookaround, so whether it matches at
   * some position depends only on the characters it consumes and on \b/\B there. A piece of a text
   * that starts and ends next to whitespace (or the text's ends) gives \b the same answers at its
   * edges, so any match in the piece is a match in the text.
   */
  readonly local: Uint8Array;

  constructor(policy: EffectivePolicy) {
    this.conceptNames = Object.keys(policy.concepts);
    this.local = Uint8Array.from(this.conceptNames, (n) => (/[\^$]|\(\?<?[=!]/.test(policy.concepts[n]!) ? 0 : 1));
    this.conceptRes = this.conceptNames.map((n) => compileRegex(policy.concepts[n]!, `concept "${n}"`));
    this.scan = new ConceptScan(this.conceptRes.map((r) => r.source));
    const index = new Map(this.conceptNames.map((n, i) => [n, i]));
    const res = this.conceptRes;
    const lazy: Lookup = (i, t, h) => {
      let v = h[i]!;
      if (v === 0) h[i] = v = res[i]!.test(t) ? 1 : 2;
      return v === 1;
    };
    this.rules = [];
    for (const cat of policy.categories) {
      if (cat.dampen) this.dampen.set(cat.id, compileCondition(cat.dampen, index, lazy, `category "${cat.id}" dampen`));
      if (cat.evidence) this.evidence.set(cat.id, compileCondition(cat.evidence, index, lazy, `category "${cat.id}" evidence`));
      for (const p of cat.patterns) this.rules.push({ id: p.id, category: cat.id, action: p.action, test: compilePattern(p, index, lazy) });
    }
  }

  /** Concepts computed for every text (the classifier's features); the rest only when a rule asks. */
  private eager: Int32Array | undefined;

  setEager(indexes: number[]): void {
    this.eager = Int32Array.from(indexes.filter((i) => i >= 0));
  }

  /**
   * Concept states for the normalised text: 1 present, 2 absent, 0 not computed yet. The one-pass
   * scan decides every concept it covers; of the rest, eager ones run their regex now and the others
   * when a rule first asks (so a context concept such as "game" costs nothing unless reached).
   * `enclosing`: the states of a text this one was cut from at whitespace and trimmed (a transcript
   * turn): its local concepts known absent there are absent here without running their regex.
   */
  concepts(text: string, enclosing?: ConceptHits): ConceptHits {
    const hits = new Uint8Array(this.conceptRes.length);
    // A local concept absent from a text is absent from every trimmed piece of it (see `local`).
    if (enclosing) for (let i = 0; i < hits.length; i++) if (enclosing[i] === 2 && this.local[i]) hits[i] = 2;
    this.scan.scan(text, hits);
    if (!this.eager) {
      for (let i = 0; i < this.conceptRes.length; i++) if (hits[i] === 0) hits[i] = this.conceptRes[i]!.test(text) ? 1 : 2;
    } else {
      for (const i of this.eager) if (hits[i] === 0) hits[i] = this.conceptRes[i]!.test(text) ? 1 : 2;
    }
    return hits;
  }

  /** Rules that match the normalised text. */
  match(text: string, hits: ConceptHits, categories?: Set<string>): CompiledRule[] {
    const out: CompiledRule[] = [];
    for (const r of this.rules) if ((!categories || categories.has(r.category)) && r.test(text, hits)) out.push(r);
    return out;
  }
}

function compileRegex(src: string, what: string): RegExp {
  try {
    new RegExp(src); // an invalid source is reported as written, not as rewritten
    return new RegExp(factorPrefixes(hoistWordBoundary(src)));
  } catch (err) {
    throw new PolicyError(`${what}: invalid regex: ${(err as Error).message}`);
  }
}

type Lookup = (i: number, text: string, hits: ConceptHits) => boolean;

function compilePattern(p: PatternSpec, index: Map<string, number>, lookup: Lookup): Test {
  if (!p.all && !p.any) throw new PolicyError(`rule "${p.id}" needs "all" or "any"`);
  return compileGroup({ all: p.all, any: p.any, none: p.none }, index, lookup, `rule "${p.id}"`);
}

function compileCondition(c: Condition, index: Map<string, number>, lookup: Lookup, where: string): Test {
  return compileNode(c, index, lookup, where).test;
}

/** A compiled condition; `concept` is set when it is a bare concept name (its state may be known already). */
interface Node {
  test: Test;
  concept?: number;
}

function compileNode(c: Condition, index: Map<string, number>, lookup: Lookup, where: string): Node {
  if (typeof c === 'string') {
    const i = index.get(c);
    if (i === undefined) throw new PolicyError(`${where}: unknown concept "${c}" (define it under concepts, or use {re: ...})`);
    return { test: (t, hits) => lookup(i, t, hits), concept: i };
  }
  if ('re' in c) {
    const re = compileRegex(c.re, where);
    return { test: (t) => re.test(t) };
  }
  return { test: compileGroup(c, index, lookup, where) };
}

function compileGroup(g: { all?: Condition[]; any?: Condition[]; none?: Condition[] }, index: Map<string, number>, lookup: Lookup, where: string): Test {
  const nodes = (list?: Condition[]) => (list ?? []).map((c) => compileNode(c, index, lookup, where));
  const allN = nodes(g.all);
  const anyN = nodes(g.any);
  const noneN = nodes(g.none);
  const all = allN.map((n) => n.test);
  const any = anyN.map((n) => n.test);
  const none = noneN.map((n) => n.test);
  // Concepts already known for this text (eager ones, or ones an earlier rule computed) can settle
  // the group before any regex runs. Conditions are pure, so checking them first changes no result.
  const conceptsOf = (list: Node[]) => Int32Array.from(list.filter((n) => n.concept !== undefined), (n) => n.concept!);
  const allC = conceptsOf(allN);
  const anyC = conceptsOf(anyN);
  const noneC = conceptsOf(noneN);
  return (t, h) => {
    for (let k = 0; k < allC.length; k++) if (h[allC[k]!] === 2) return false;
    for (let k = 0; k < noneC.length; k++) if (h[noneC[k]!] === 1) return false;
    for (const f of all) if (!f(t, h)) return false;
    if (any.length) {
      let ok = false;
      for (let k = 0; k < anyC.length; k++) if (h[anyC[k]!] === 1) { ok = true; break; }
      if (!ok) for (const f of any) if (f(t, h)) { ok = true; break; }
      if (!ok) return false;
    }
    for (const f of none) if (f(t, h)) return false;
    return true;
  };
}

/** Compile a standalone condition (effector description rules). */
export function compileStandalone(c: Condition, policy: EffectivePolicy, where: string): (text: string) => boolean {
  const names = Object.keys(policy.concepts);
  const index = new Map(names.map((n, i) => [n, i]));
  const res = names.map((n) => compileRegex(policy.concepts[n]!, `concept "${n}"`));
  const lookup: Lookup = (i, t, h) => {
    let v = h[i]!;
    if (v === 0) h[i] = v = res[i]!.test(t) ? 1 : 2;
    return v === 1;
  };
  const test = compileCondition(c, index, lookup, where);
  return (text) => test(text, new Uint8Array(res.length));
}
