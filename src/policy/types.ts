import type { ToolCall, ToolDef } from '../canonical/types.js';

/**
 * The policy engine's contract with the rest of the gateway. It knows categories, actions and
 * decisions, and nothing about HTTP or vendors (decision is separate from enforcement, as in OPA).
 */

export type Decision = 'allow' | 'review' | 'block';
export type Action = 'block' | 'review' | 'allow' | 'log';
export type Scope = 'input' | 'output' | 'tool_definition' | 'tool_call';

/** One piece of text to screen, with where it came from. */
export interface Segment {
  scope: Scope;
  text: string;
  /** e.g. "system", "messages[3]", "tools[0]", "tool_calls[1]" — for explanations, never logged with content. */
  where?: string;
}

export interface CategoryScore {
  id: string;
  score: number;
}

/** Detector stages; a verdict names the ones that actually ran. */
export type Stage = 'normalise' | 'decode' | 'rules' | 'classifier' | 'judge';

export interface Verdict {
  decision: Decision;
  /** Categories that contributed to the decision (score above their threshold or matched by a rule), highest first. */
  categories: CategoryScore[];
  /** Ids of the policy rules that matched. */
  rules: string[];
  /** SHA-256 (hex) of the effective, merged policy. */
  policy: string;
  stages: Stage[];
  /** Microseconds spent deciding. */
  micros: number;
}

export type EffectorAction = 'require_approval' | 'deny';

export interface EffectorVerdict {
  effector: boolean;
  action: EffectorAction;
  /** Why: rule ids / "config:list" / "detector". */
  reasons: string[];
}

export interface ScreenContext {
  tenant?: string;
  signal?: AbortSignal;
}

export interface PolicyEngine {
  /** Hash of the effective policy (vendor ∪ deployment; tenant layers hash separately per tenant). */
  readonly policyHash: string;
  /** Synchronous fast path: normalise, decode, rules, classifier. No judge. */
  evaluate(segments: Segment[], ctx?: ScreenContext): Verdict;
  /** Full decision: `evaluate`, then the judge model in the uncertain band when one is configured. */
  decide(segments: Segment[], ctx?: ScreenContext): Promise<Verdict>;
  /** Is this tool an effector (weapon/actuator)? Judged from name, description and the deployment's list. */
  classifyTool(tool: ToolDef, ctx?: ScreenContext): EffectorVerdict;
  /** The engine's view of one tool call (for output screening): same as decide() on the call's name + arguments. */
  screenToolCall?(call: ToolCall, ctx?: ScreenContext): Promise<Verdict>;
  /** Layers that were loaded, for the ledger's "policy loaded" event. */
  describe(): { layers: Array<{ name: string; hash: string; signed: boolean }>; categories: string[] };
}
