import type { ToolCall, ToolDef } from '../canonical/types.js';
import type { EffectorAction, EffectorVerdict } from '../policy/types.js';

export { stripCalls, stripOpenAICalls, stripAnthropicCalls, stripGeminiCalls, bodyHasCall, callIds } from './strip-calls.js';

/**
 * The pure decision the pipeline takes on a response's tool calls: which go to the client,
 * which are withheld for a human, which are refused.
 *
 * Choice for mixed responses: calls of non-effector tools in the same response PASS untouched.
 * Withholding them too would break benign agents whenever a model batches calls, and a
 * non-effector call cannot engage anything; only the effector calls are taken out, and the
 * assistant content explains them (see `withheldNote`).
 */

export type ClassifyTool = (tool: ToolDef) => EffectorVerdict;

export interface WithholdOptions {
  /** Deployment list of tool names that are always effectors (config approvals.effector_tools). */
  effectorTools?: readonly string[];
  /** Action for the deployment list (config approvals.effector_action). */
  effectorAction?: EffectorAction;
}

export interface Judged {
  call: ToolCall;
  verdict: EffectorVerdict;
}

export interface Split {
  passed: ToolCall[];
  held: Judged[];
  denied: Judged[];
}

const NOT_EFFECTOR: EffectorVerdict = { effector: false, action: 'require_approval', reasons: [] };

/** Strictest of two verdicts: effector if either says so; deny beats require_approval. */
function stricter(a: EffectorVerdict, b: EffectorVerdict): EffectorVerdict {
  if (!a.effector) return b.effector ? b : a;
  if (!b.effector) return a;
  const action: EffectorAction = a.action === 'deny' || b.action === 'deny' ? 'deny' : 'require_approval';
  return { effector: true, action, reasons: [...new Set([...a.reasons, ...b.reasons])] };
}

/** Fail closed: a classifier that throws makes the tool an effector held for a human. */
function safeClassify(classify: ClassifyTool, tool: ToolDef): EffectorVerdict {
  try {
    return classify(tool);
  } catch {
    return { effector: true, action: 'require_approval', reasons: ['classifier_error'] };
  }
}

/** The verdict for one called tool name, from every definition with that name (a duplicate bland definition cannot hide a weapon one). */
export function judgeTool(name: string, tools: readonly ToolDef[], classify: ClassifyTool, opts: WithholdOptions = {}): EffectorVerdict {
  const defs = tools.filter((t) => t.name === name);
  // A call of a tool the request never defined is still judged by its name.
  if (!defs.length) defs.push({ name, description: '', parameters: {} });
  let verdict = defs.map((d) => safeClassify(classify, d)).reduce(stricter, NOT_EFFECTOR);
  if (opts.effectorTools?.includes(name)) {
    verdict = stricter(verdict, { effector: true, action: opts.effectorAction ?? 'require_approval', reasons: ['config:list'] });
  }
  return verdict;
}

export function splitCalls(tools: readonly ToolDef[], calls: readonly ToolCall[], classify: ClassifyTool, opts: WithholdOptions = {}): Split {
  const split: Split = { passed: [], held: [], denied: [] };
  const cache = new Map<string, EffectorVerdict>();
  for (const call of calls) {
    let verdict = cache.get(call.name);
    if (!verdict) cache.set(call.name, (verdict = judgeTool(call.name, tools, classify, opts)));
    if (!verdict.effector) split.passed.push(call);
    else if (verdict.action === 'deny') split.denied.push({ call, verdict });
    else split.held.push({ call, verdict });
  }
  return split;
}

/** The explanation put in the assistant content in place of withheld/refused calls. Names tools and approval ids, never arguments. */
export function withheldNote(held: ReadonlyArray<{ name: string; approvalId: string }>, denied: ReadonlyArray<{ name: string }>): string {
  const lines = held.map(
    (h) =>
      `[Redline] The call of effector tool "${h.name}" is withheld until an authorised operator approves it. ` +
      `Approval id: ${h.approvalId} (GET /v1/approvals/${h.approvalId}).`,
  );
  for (const d of denied) lines.push(`[Redline] The call of effector tool "${d.name}" was refused by policy.`);
  return lines.join('\n');
}
