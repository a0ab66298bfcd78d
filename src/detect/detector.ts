import type { CategoryScore, Decision, Scope, Segment, Stage } from '../policy/types.js';
import { ACTION_RANK, type EffectiveCategory, type EffectivePolicy, type PolicyAction } from '../policy/schema.js';
import type { Classifier } from './classifier.js';
import { decodePayloads } from './decode.js';
import { ExemplarScorer } from './exemplars.js';
import { normalise, setVocabulary } from './normalise.js';
import { RuleSet, type ConceptHits } from './rules.js';

/**
 * The synchronous screening pipeline for one effective policy: normalise → decode → rules →
 * classifier. The conversation is screened as a whole per scope (so a request split across turns
 * or hidden in a system prompt is seen together) and segment by segment (so one bad turn is not
 * diluted by a long harmless conversation); each category keeps its highest score.
 */

export interface CategoryResult {
  category: EffectiveCategory;
  score: number;
  rules: string[];
  /** Decision for this category before any judge. */
  decision: Decision;
  /** Some rule decided it (the judge is not asked to overturn rules). */
  ruled: boolean;
}

export interface Screening {
  decision: Decision;
  results: CategoryResult[];
  stages: Stage[];
}

interface Best {
  /** Classifier (or exemplar) score: the thresholds apply to it. */
  score: number;
  /** The same with every dampening context applied, even where dampen_override lifted it. */
  dampened: number;
  /** Score implied by matched rules (1 for block, 0.55 for review, inside the default review band): reported, not thresholded. */
  ruleScore: number;
  rules: Set<string>;
  ruleRank: number;
  /** Texts a rule of the category matched (for thresholds.rule_confirm). */
  ruleTexts: string[];
  /** The category's evidence condition held somewhere (or it has none). */
  evidence: boolean;
}

const WINDOW = 2000;
/**
 * Window over which a rule's match is confirmed by the classifier: one violating sentence in a long
 * benign text is diluted in the whole text's mean word vector, but not in a window around it.
 */
const CONFIRM_WINDOW = 400;
const REVIEW_RULE_SCORE = 0.55;

/** What scoreText needs per category, resolved once per policy instead of looked up per text. */
interface CategoryPlan {
  id: string;
  /** Position in the classifier's score vector, or -1 (exemplars or nothing). */
  head: number;
  exemplar: ExemplarScorer | undefined;
  dampen: ((text: string, hits: Uint8Array) => boolean) | undefined;
  review: number;
  /** Score at which the classifier flags despite `dampen` (thresholds.dampen_override; 1 = never). */
  dampenOverride: number;
  scopes: ReadonlySet<Scope>;
}

export class Detector {
  readonly rules: RuleSet;
  private readonly exemplars = new Map<string, ExemplarScorer>();
  private readonly plans: CategoryPlan[];
  /** Per rule (same order as rules.rules): the scopes its category covers. */
  private readonly ruleScopes: ReadonlySet<Scope>[];

  constructor(
    readonly policy: EffectivePolicy,
    private readonly classifier: Classifier,
  ) {
    this.rules = new RuleSet(policy);
    this.rules.setEager(classifier.bindConcepts(this.rules.conceptNames));
    setVocabulary((w) => classifier.embeddings.has(w));
    const trained = new Set(classifier.categories);
    for (const c of policy.categories) {
      if (trained.has(c.id)) continue;
      const ex = new ExemplarScorer(c.examples, c.negatives, classifier, this.rules);
      if (ex.usable) this.exemplars.set(c.id, ex);
    }
    this.plans = policy.categories.map((c) => ({
      id: c.id,
      head: classifier.headOf(c.id),
      exemplar: this.exemplars.get(c.id),
      dampen: this.rules.dampen.get(c.id),
      review: c.thresholds.review,
      dampenOverride: c.thresholds.dampen_override >= 1 ? Infinity : c.thresholds.dampen_override,
      scopes: new Set(c.scopes),
    }));
    this.ruleScopes = this.rules.rules.map((r) => new Set(policy.categories.find((c) => c.id === r.category)!.scopes));
  }

  screen(segments: Segment[]): Screening {
    const stages: Stage[] = ['normalise', 'rules', 'classifier'];
    const items: Array<{ scope: Scope; text: string; enclosing?: ConceptHits }> = [];
    // Concept states of texts that were cut into pieces (turns, or a scope's joined texts), reused
    // when the whole text itself is scored.
    const whole = new Map<string, ConceptHits>();
    const perScope = new Map<Scope, string[]>();
    let decoded = false;
    for (const seg of segments) {
      if (!seg.text) continue;
      const n = normalise(seg.text);
      let list = perScope.get(seg.scope);
      if (!list) perScope.set(seg.scope, (list = []));
      list.push(n);
      // A transcript pasted as one text ("User: … Assistant: …") is also read turn by turn.
      const turns = transcriptTurns(n);
      if (turns.length) {
        let enclosing = whole.get(n);
        if (!enclosing) whole.set(n, (enclosing = this.rules.concepts(n)));
        for (const turn of turns) items.push({ scope: seg.scope, text: turn, enclosing });
      }
      for (const payload of decodePayloads(seg.text)) {
        decoded = true;
        const p = normalise(payload);
        list.push(p);
        items.push({ scope: seg.scope, text: p });
      }
    }
    if (decoded) stages.splice(1, 0, 'decode');
    for (const [scope, texts] of perScope) {
      const joined = texts.length > 1 ? texts.join(' \n ') : texts[0]!;
      if (texts.length > 1) {
        // Each text is a trimmed piece of the joined one, cut at whitespace: it inherits the absent concepts.
        let enclosing = whole.get(joined);
        if (!enclosing) whole.set(joined, (enclosing = this.rules.concepts(joined)));
        const pieces = new Set(texts);
        for (const it of items) if (it.scope === scope && !it.enclosing && pieces.has(it.text)) it.enclosing = enclosing;
        for (const t of texts) items.push({ scope, text: t, enclosing });
      }
      items.push({ scope, text: joined });
      // Long texts are also read in overlapping windows so a short request is not averaged away.
      if (joined.length > WINDOW * 2) {
        for (let at = 0; at < joined.length; at += WINDOW / 2) items.push({ scope, text: joined.slice(at, at + WINDOW) });
      }
    }

    // Input and tool definitions arrive together: a request may put the plan in the system prompt
    // and the weapon in a tool description, so they are also read as one text.
    const inputs = perScope.get('input');
    const tools = perScope.get('tool_definition');
    if (inputs && tools) items.push({ scope: 'input', text: [...inputs, ...tools].join(' \n ') });

    const best = new Map<string, Best>();
    for (const c of this.policy.categories) best.set(c.id, { score: 0, dampened: 0, ruleScore: 0, rules: new Set(), ruleRank: 0, ruleTexts: [], evidence: !this.rules.evidence.has(c.id) });
    // The same text in the same scope scores the same and every update in scoreText is a max or a
    // set insert, so a repeat (a decoded payload is listed alone and again among its scope's texts)
    // is skipped. Items are few: comparing strings beats hashing kilobytes of text.
    for (let i = 0; i < items.length; i++) {
      const { scope, text, enclosing } = items[i]!;
      let repeat = false;
      for (let j = 0; j < i && !repeat; j++) repeat = items[j]!.scope === scope && items[j]!.text === text;
      if (!repeat) this.scoreText(scope, text, best, enclosing, whole);
    }

    const results: CategoryResult[] = [];
    let decision: Decision = 'allow';
    for (const [ci, c] of this.policy.categories.entries()) {
      const b = best.get(c.id)!;
      const cap = ACTION_RANK[c.action];
      // A rule match on a text the classifier is sure is benign, as a whole and in every window, is
      // set aside (see thresholds.rule_confirm).
      const confirm = c.thresholds.rule_confirm;
      if (b.ruleRank > 0 && b.score < confirm && this.windowScore(this.plans[ci]!, b.ruleTexts, confirm) < confirm) {
        b.ruleRank = b.ruleScore = 0;
        b.rules.clear();
      }
      // A review rule marks a case the spec sends to a person (supervised point defence, a vague
      // nomination, one named individual): the classifier's certainty in a context the policy
      // dampens does not make it a block.
      if (b.ruleRank === ACTION_RANK.review) b.score = b.dampened;
      let rank = Math.min(b.ruleRank, cap);
      if (!b.evidence && b.ruleRank === 0) b.score = Math.min(b.score, c.thresholds.review / 2);
      if (b.score >= c.thresholds.block) rank = Math.max(rank, cap);
      else if (b.score >= c.thresholds.review) rank = Math.max(rank, Math.min(ACTION_RANK.review, cap));
      const d = toDecision(rank);
      results.push({ category: c, score: Math.max(b.score, b.ruleScore), rules: [...b.rules], decision: d, ruled: b.ruleRank > 0 });
      if (severity(d) > severity(decision)) decision = d;
    }
    return { decision, results, stages };
  }

  /** Highest score of the plan's category over CONFIRM_WINDOW windows of the texts (stops once `enough`). Rare: only for rule matches the whole text's score does not confirm. */
  private windowScore(plan: CategoryPlan, texts: string[], enough: number): number {
    let best = 0;
    for (const text of texts) {
      for (let at = 0; text.length > CONFIRM_WINDOW && at < text.length - CONFIRM_WINDOW / 2 && best < enough; at += CONFIRM_WINDOW / 2) {
        const piece = text.slice(at, at + CONFIRM_WINDOW);
        const x = this.classifier.features(piece, this.rules.concepts(piece));
        best = Math.max(best, plan.head >= 0 ? this.classifier.scores(x)[plan.head]! : (plan.exemplar?.score(x.mean) ?? 0));
      }
    }
    return best;
  }

  /**
   * `enclosing`: concept states of the text this one is a turn of. The whole text's own states are
   * reused when it is scored (lazy concepts filled in by then stay true of it).
   */
  private scoreText(scope: Scope, text: string, best: Map<string, Best>, enclosing?: ConceptHits, whole?: Map<string, ConceptHits>): void {
    const hits = whole?.get(text) ?? this.rules.concepts(text, enclosing);
    for (const [id, test] of this.rules.evidence) {
      const b = best.get(id)!;
      if (!b.evidence && test(text, hits)) b.evidence = true;
    }
    const rules = this.rules.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i]!;
      if (!this.ruleScopes[i]!.has(scope) || !r.test(text, hits)) continue;
      const b = best.get(r.category)!;
      b.rules.add(r.id);
      if (b.ruleTexts[b.ruleTexts.length - 1] !== text) b.ruleTexts.push(text);
      b.ruleRank = Math.max(b.ruleRank, ACTION_RANK[r.action]);
      b.ruleScore = Math.max(b.ruleScore, r.action === 'block' ? 1 : REVIEW_RULE_SCORE);
    }
    const x = this.classifier.features(text, hits);
    const scores = this.classifier.scores(x);
    for (const p of this.plans) {
      if (!p.scopes.has(scope)) continue;
      let s = p.head >= 0 ? scores[p.head]! : (p.exemplar?.score(x.mean) ?? 0);
      // In a context the policy dampens, the classifier alone stays below the review threshold,
      // unless it is near-certain (thresholds.dampen_override).
      let dampened = s;
      if (p.dampen && s >= p.review && p.dampen(text, hits)) {
        dampened = Math.min(s, p.review * 0.98);
        if (s < p.dampenOverride) s = dampened;
      }
      const b = best.get(p.id)!;
      if (s > b.score) b.score = s;
      if (dampened > b.dampened) b.dampened = dampened;
    }
  }
}

const TURN_MARK = /(?:^|\s)(?:user|human|assistant|ai|system|operator|model)\s*:/g;

/** Turns of a pasted transcript (two or more "User:"/"Assistant:" markers), else nothing. */
export function transcriptTurns(normalised: string): string[] {
  if (!twoMarkerColons(normalised)) return [];
  const starts: number[] = [];
  for (const m of normalised.matchAll(TURN_MARK)) starts.push(m.index!);
  if (starts.length < 2) return [];
  return starts.map((s, i) => normalised.slice(s, starts[i + 1] ?? normalised.length).trim());
}

/**
 * Could TURN_MARK match twice? Each match ends at its own ':' with a marker word's last letter
 * (r, n, t, i, l, m) or whitespace before it, so fewer than two such colons means fewer than two
 * turns. Colons are few, so this is much cheaper than running the regex over the whole text.
 */
function twoMarkerColons(s: string): boolean {
  let n = 0;
  for (let k = s.indexOf(':'); k >= 0; k = s.indexOf(':', k + 1)) {
    const c = s[k - 1];
    if (c !== undefined && ('rntilm'.includes(c) || /\s/.test(c)) && ++n >= 2) return true;
  }
  return false;
}

export function toDecision(rank: number): Decision {
  return rank >= ACTION_RANK.block ? 'block' : rank >= ACTION_RANK.review ? 'review' : 'allow';
}

export function severity(d: Decision): number {
  return d === 'block' ? 2 : d === 'review' ? 1 : 0;
}

export function actionDecision(a: PolicyAction): Decision {
  return toDecision(ACTION_RANK[a]);
}

export function contributing(results: CategoryResult[]): CategoryScore[] {
  return results
    .filter((r) => r.decision !== 'allow' || r.rules.length > 0 || r.score >= r.category.thresholds.review)
    .map((r) => ({ id: r.category.id, score: Math.round(r.score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score);
}
