import { judgeTool } from '../gate/withhold.js';
import type { ChatCall, PipelineDeps } from './types.js';

/**
 * Which tool names are effectors for this request. Effector definitions and calls are not sent to
 * the red-line screens: the approval gate is their enforcement (a human decides each engagement,
 * which is what the red line asks), and a screen would otherwise refuse the very call a human is
 * meant to decide on. Everything else in the conversation is still screened, including text that
 * asks for effectors to fire without a human.
 */
export function effectorTest(deps: PipelineDeps, call: ChatCall): (name: string) => boolean {
  if (!deps.gate) return () => false;
  const cache = new Map<string, boolean>();
  const classify = (tool: Parameters<typeof deps.engine.classifyTool>[0]) => deps.engine.classifyTool(tool, { tenant: call.principal.tenant });
  const opts = { effectorTools: deps.config.approvals.effector_tools, effectorAction: deps.config.approvals.effector_action };
  return (name) => {
    let hit = cache.get(name);
    if (hit === undefined) cache.set(name, (hit = judgeTool(name, call.request.tools, classify, opts).effector));
    return hit;
  };
}
