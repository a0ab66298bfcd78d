import { z } from 'zod';

/**
 * The policy file format (policy as code). One schema serves every layer: the signed vendor red
 * lines, the deployment layer and tenant layers. schema/policy.schema.json is generated from it
 * (scripts/policy-schema.ts).
 */

export const ACTIONS = ['allow', 'log', 'review', 'block'] as const;
export const SCOPES = ['input', 'output', 'tool_definition', 'tool_call'] as const;

/** A condition on normalised text: a concept name, an inline regex, or a nested all/any/none group. */
export type Condition = string | { re: string } | ConditionGroup;
export interface ConditionGroup {
  all?: Condition[];
  any?: Condition[];
  none?: Condition[];
}

const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([z.string().min(1), z.strictObject({ re: z.string().min(1) }), conditionGroup]),
);
const conditionGroup: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.strictObject({
    all: z.array(condition).optional(),
    any: z.array(condition).optional(),
    none: z.array(condition).optional(),
  }),
);

export const patternSchema = z.strictObject({
  /** Rule id reported in verdicts, e.g. "aw.no-human-engagement". */
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  /** Why the rule exists (documentation only). */
  note: z.string().optional(),
  action: z.enum(['review', 'block']).default('block'),
  all: z.array(condition).optional(),
  any: z.array(condition).optional(),
  none: z.array(condition).optional(),
});

export const categorySchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** What the category covers, in words (also given to the judge model). */
  definition: z.string().optional(),
  /** Requests that belong to the category: nearest-neighbour exemplars, so a new category works untrained. */
  examples: z.array(z.string()).optional(),
  /** Look-alikes that must be allowed: exemplars pulling the other way. */
  negatives: z.array(z.string()).optional(),
  scopes: z.array(z.enum(SCOPES)).optional(),
  action: z.enum(ACTIONS).optional(),
  /**
   * Classifier score at/above `review` → review; at/above `block` → the category action.
   * `rule_confirm`: a rule decides only where the classifier scores the text at least this much
   * (0, the default: rules always decide). Measured on writers held out of training, rules alone
   * flag more allowed text than they catch violations the classifier misses; a text the classifier
   * is sure is benign is mostly one that names the act to refuse, prevent or report it.
   * `dampen_override`: in a context `dampen` covers, the classifier alone still flags a text it
   * scores at least this much (1, the default: never). Held-out writers showed most violations the
   * classifier missed were ones it was near-certain of, capped by a dampening context ("the
   * existing system has a human approve each one; change it so …").
   */
  thresholds: z
    .strictObject({ review: z.number().min(0).max(1), block: z.number().min(0).max(1), rule_confirm: z.number().min(0).max(1), dampen_override: z.number().min(0).max(1) })
    .partial()
    .optional(),
  patterns: z.array(patternSchema).optional(),
  /**
   * Condition the text must meet before the classifier alone may flag it (rules are not affected).
   * Keeps the statistical model from flagging text with no sign of the category at all.
   */
  evidence: condition.optional(),
  /**
   * Condition under which the classifier alone may not flag the text (rules still apply): contexts the
   * spec allows that look like the category, such as games or stated safeguards.
   */
  dampen: condition.optional(),
  /** Only meaningful as an attempt to relax: a layer may not disable a category from a lower layer. */
  enabled: z.boolean().optional(),
});

export const effectorRuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9_.-]+$/),
  /** Regex on the normalised tool name. */
  name: z.string().optional(),
  /** Condition on the normalised tool description (and parameter descriptions). */
  description: condition.optional(),
  action: z.enum(['require_approval', 'deny']).default('require_approval'),
});

export const policyFileSchema = z.strictObject({
  name: z.string().min(1),
  version: z.union([z.string(), z.number()]).optional(),
  description: z.string().optional(),
  /** Named regexes (on normalised text) shared by patterns and used as classifier features. */
  concepts: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.string()).optional(),
  categories: z.array(categorySchema).default([]),
  effector_tools: z.array(effectorRuleSchema).optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;
export type CategorySpec = z.infer<typeof categorySchema>;
export type PatternSpec = z.infer<typeof patternSchema>;
export type EffectorRuleSpec = z.infer<typeof effectorRuleSchema>;
export type PolicyAction = (typeof ACTIONS)[number];

/** A category after merging: every field present. */
export interface EffectiveCategory {
  id: string;
  definition: string;
  examples: string[];
  negatives: string[];
  scopes: Array<(typeof SCOPES)[number]>;
  action: PolicyAction;
  thresholds: { review: number; block: number; rule_confirm: number; dampen_override: number };
  patterns: PatternSpec[];
  evidence?: Condition;
  dampen?: Condition;
  /** Which layer introduced it. */
  origin: string;
}

export interface EffectivePolicy {
  concepts: Record<string, string>;
  categories: EffectiveCategory[];
  effector_tools: EffectorRuleSpec[];
}

export const DEFAULT_THRESHOLDS = { review: 0.5, block: 0.8, rule_confirm: 0, dampen_override: 1 };
export const ACTION_RANK: Record<PolicyAction, number> = { allow: 0, log: 1, review: 2, block: 3 };
