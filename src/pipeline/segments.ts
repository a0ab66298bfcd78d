import type { ChatRequest, ChatResponse, ToolCall } from '../canonical/types.js';
import type { Segment } from '../policy/types.js';

/**
 * What the screens look at. Input: the whole conversation — system prompts, every turn, the tool
 * definitions and the tool results — so a request split over turns or hidden in a system prompt is
 * still seen. The engine also joins segments of one scope, so no stage here needs to.
 */
export function inputSegments(req: ChatRequest, isEffector: (name: string) => boolean = () => false): Segment[] {
  const out: Segment[] = [];
  req.system.forEach((text, i) => text && out.push({ scope: 'input', text, where: `system[${i}]` }));
  req.messages.forEach((m, i) => {
    if (m.content) out.push({ scope: 'input', text: m.content, where: `messages[${i}]` });
    m.toolCalls?.forEach((c, j) => !isEffector(c.name) && out.push({ scope: 'tool_call', text: toolCallText(c), where: `messages[${i}].tool_calls[${j}]` }));
  });
  req.tools.forEach(
    (t, i) =>
      !isEffector(t.name) &&
      out.push({ scope: 'tool_definition', text: `${t.name}: ${t.description}\n${JSON.stringify(t.parameters ?? {})}`, where: `tools[${i}]` }),
  );
  return out;
}

export function outputSegments(text: string, toolCalls: ToolCall[], isEffector: (name: string) => boolean = () => false): Segment[] {
  const out: Segment[] = [];
  if (text) out.push({ scope: 'output', text, where: 'output' });
  toolCalls.forEach((c, i) => !isEffector(c.name) && out.push({ scope: 'tool_call', text: toolCallText(c), where: `tool_calls[${i}]` }));
  return out;
}

export const responseSegments = (res: ChatResponse, isEffector?: (name: string) => boolean) => outputSegments(res.text, res.toolCalls, isEffector);

function toolCallText(call: ToolCall): string {
  return `${call.name}(${call.arguments})`;
}

/** Text of the request for the ledger's keyed digest (never stored in clear). */
export function promptText(req: ChatRequest): string {
  return [...req.system, ...req.messages.map((m) => m.content)].join('\n');
}
