import { canonicalJson } from '../crypto/canonical-json.js';
import { PolicyError } from './errors.js';
import { sha256 } from './load.js';
import {
  ACTION_RANK,
  DEFAULT_THRESHOLDS,
  SCOPES,
  type CategorySpec,
  type EffectiveCategory,
  type EffectivePolicy,
  type PolicyFile,
} from './schema.js';

/**
 * Layering: vendor ∪ deployment ∪ tenant. A later layer may add concepts, categories, patterns,
 * examples and effector rules, and may make an existing category stricter (higher action, lower
 * thresholds, more scopes). Anything that would weaken an earlier layer is refused, naming the
 * category, so a deployment cannot quietly switch a vendor red line off.
 */

export function baseLayer(file: PolicyFile, layer: string): EffectivePolicy {
  return applyLayer({ concepts: {}, categories: [], effector_tools: [] }, file, layer);
}

export function applyLayer(base: EffectivePolicy, file: PolicyFile, layer: string): EffectivePolicy {
  const problems: string[] = [];
  const out: EffectivePolicy = {
    concepts: { ...base.concepts },
    // Deep enough copies that tightening a layer never mutates the layer below (tenants share the base).
    categories: base.categories.map((c) => ({ ...c, thresholds: { ...c.thresholds }, scopes: [...c.scopes], patterns: [...c.patterns], examples: [...c.examples], negatives: [...c.negatives] })),
    effector_tools: [...base.effector_tools],
  };
  for (const [name, re] of Object.entries(file.concepts ?? {})) {
    if (name in out.concepts && out.concepts[name] !== re) problems.push(`concept "${name}" is defined by a lower layer and cannot be redefined`);
    out.concepts[name] = re;
  }
  for (const spec of file.categories) {
    const existing = out.categories.find((c) => c.id === spec.id);
    if (existing) tighten(existing, spec, layer, problems);
    else out.categories.push(newCategory(spec, layer, problems));
  }
  for (const rule of file.effector_tools ?? []) {
    if (out.effector_tools.some((r) => r.id === rule.id)) problems.push(`effector rule "${rule.id}" exists in a lower layer and cannot be replaced`);
    else out.effector_tools.push(rule);
  }
  checkPatternIds(out, problems);
  if (problems.length) throw new PolicyError(`${layer} policy "${file.name}" refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return out;
}

function newCategory(spec: CategorySpec, layer: string, problems: string[]): EffectiveCategory {
  if (!spec.definition) problems.push(`category "${spec.id}" is new in the ${layer} layer and needs a definition`);
  if (spec.enabled === false) problems.push(`category "${spec.id}" is new and disabled: remove it instead`);
  const thresholds = { ...DEFAULT_THRESHOLDS, ...spec.thresholds };
  if (thresholds.review > thresholds.block) problems.push(`category "${spec.id}": thresholds.review must not exceed thresholds.block`);
  return {
    id: spec.id,
    definition: spec.definition ?? '',
    examples: spec.examples ?? [],
    negatives: spec.negatives ?? [],
    scopes: spec.scopes ?? [...SCOPES],
    action: spec.action ?? 'block',
    thresholds,
    patterns: spec.patterns ?? [],
    ...(spec.evidence ? { evidence: spec.evidence } : {}),
    ...(spec.dampen ? { dampen: spec.dampen } : {}),
    origin: layer,
  };
}

function tighten(cat: EffectiveCategory, spec: CategorySpec, layer: string, problems: string[]): void {
  const name = `category "${cat.id}" (from the ${cat.origin} layer)`;
  if (spec.enabled === false) problems.push(`${name} cannot be disabled by the ${layer} layer`);
  if (spec.action && ACTION_RANK[spec.action] < ACTION_RANK[cat.action]) {
    problems.push(`${name}: action "${spec.action}" is weaker than "${cat.action}"`);
  } else if (spec.action) cat.action = spec.action;
  // Every threshold is stricter when lower (rule_confirm: rules decide on more texts;
  // dampen_override: the classifier overrides dampening contexts more often).
  for (const key of ['review', 'block', 'rule_confirm', 'dampen_override'] as const) {
    const t = spec.thresholds?.[key];
    if (t === undefined) continue;
    if (t > cat.thresholds[key]) problems.push(`${name}: thresholds.${key} ${t} is higher (more permissive) than ${cat.thresholds[key]}`);
    else cat.thresholds[key] = t;
  }
  if (spec.scopes) {
    const dropped = cat.scopes.filter((s) => !spec.scopes!.includes(s));
    if (dropped.length) problems.push(`${name}: scopes would drop ${dropped.join(', ')}`);
    cat.scopes = [...new Set([...cat.scopes, ...spec.scopes])];
  }
  if (spec.dampen) problems.push(`${name}: dampen cannot be added by the ${layer} layer (it would narrow what the classifier may flag)`);
  if (spec.evidence) problems.push(`${name}: evidence cannot be added by the ${layer} layer (it would narrow what the classifier may flag)`);
  if (spec.definition && spec.definition !== cat.definition) problems.push(`${name}: the definition cannot be rewritten by the ${layer} layer`);
  cat.examples.push(...(spec.examples ?? []));
  cat.negatives.push(...(spec.negatives ?? []));
  cat.patterns.push(...(spec.patterns ?? []));
}

function checkPatternIds(policy: EffectivePolicy, problems: string[]): void {
  const seen = new Set<string>();
  for (const c of policy.categories) {
    for (const p of c.patterns) {
      if (seen.has(p.id)) problems.push(`rule id "${p.id}" is used twice (a layer cannot replace a rule)`);
      seen.add(p.id);
    }
  }
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of the merged policy: what every verdict carries. */
export function policyHash(policy: EffectivePolicy): string {
  return sha256(canonicalJson(policy));
}
