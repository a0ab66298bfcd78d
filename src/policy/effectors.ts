import type { ToolDef } from '../canonical/types.js';
import { compileStandalone } from '../detect/rules.js';
import { normalise } from '../detect/normalise.js';
import type { EffectivePolicy } from './schema.js';
import type { EffectorAction } from './types.js';

/**
 * Effector tools (weapons, munitions, fire-control actuators) from the policy's effector rules.
 * Tool names are split into words first ("fireMission" → "fire mission", "kill_process" → "kill
 * process") so name regexes can use word boundaries and "firewall" is not "fire".
 */

export interface EffectorMatch {
  id: string;
  action: EffectorAction;
}

export function toolNameWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.:/]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** Text of a tool definition as screened: name words, description, parameter descriptions. */
export function toolText(tool: ToolDef): string {
  const params: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 4) return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'description' && typeof x === 'string') params.push(x);
      else walk(x, depth + 1);
    }
  };
  walk(tool.parameters, 0);
  return [toolNameWords(tool.name), tool.description ?? '', ...params].join('. ');
}

export function compileEffectorRules(policy: EffectivePolicy): (tool: ToolDef) => EffectorMatch[] {
  const rules = policy.effector_tools.map((r) => ({
    id: r.id,
    action: r.action,
    name: r.name ? new RegExp(r.name) : undefined,
    description: r.description ? compileStandalone(r.description, policy, `effector rule "${r.id}"`) : undefined,
  }));
  return (tool) => {
    const name = toolNameWords(tool.name);
    const text = normalise(toolText(tool));
    return rules.filter((r) => (r.name?.test(name) ?? false) || (r.description?.(text) ?? false)).map((r) => ({ id: r.id, action: r.action }));
  };
}
