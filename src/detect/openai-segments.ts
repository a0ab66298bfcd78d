import type { Segment } from '../policy/types.js';

/**
 * Segments of an OpenAI Chat Completions request body, for `redline classify` (the gateway uses its
 * canonical types instead): every message is input, tool definitions are tool_definition.
 */

type Part = { type?: string; text?: string };
interface OpenAIBody {
  messages?: Array<{ role?: string; content?: string | Part[] | null; tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> }>;
  tools?: Array<{ function?: { name?: string; description?: string; parameters?: unknown } }>;
}

export function segmentsFromOpenAI(body: unknown): Segment[] {
  if (!body || typeof body !== 'object' || !Array.isArray((body as OpenAIBody).messages)) throw new Error('request has no messages array');
  const b = body as OpenAIBody;
  const out: Segment[] = [];
  b.messages!.forEach((m, i) => {
    const text = typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => p.text ?? '').join('\n') : '';
    if (text) out.push({ scope: 'input', text, where: `messages[${i}]` });
    m.tool_calls?.forEach((c, j) => out.push({ scope: 'input', text: `${c.function?.name ?? ''} ${c.function?.arguments ?? ''}`, where: `messages[${i}].tool_calls[${j}]` }));
  });
  b.tools?.forEach((t, i) =>
    out.push({ scope: 'tool_definition', text: `${t.function?.name ?? ''}: ${t.function?.description ?? ''} ${JSON.stringify(t.function?.parameters ?? {})}`, where: `tools[${i}]` }),
  );
  return out;
}
