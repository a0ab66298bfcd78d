/**
 * The stand-in upstream's fixed answers, in OpenAI chat completions format. The streamed answer is
 * longer than the gateway's default output holdback (200 characters) so that a screening gateway
 * has to release text before the stream ends, as it would with a real model.
 */

const MODEL = 'bench-model';
const CREATED = 1_767_225_600;

/** ~260 characters of plain, allowed text, in word-sized pieces as a model would stream it. */
export const STREAM_CHUNKS: string[] = (
  'The resupply plan moves fuel and rations to the forward base in two convoys on Tuesday and ' +
  'Thursday, with maintenance windows for the trucks on Monday and Wednesday. Each convoy keeps a ' +
  'reserve of ten percent, and the schedule leaves a full day of slack before the exercise begins.'
)
  .split(/(?<= )/)
  .filter(Boolean);

export const ANSWER_TEXT = 'Resupply: two convoys, Tuesday and Thursday; trucks serviced Monday and Wednesday.';

export function completionBody(): string {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [{ index: 0, message: { role: 'assistant', content: ANSWER_TEXT }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 250, completion_tokens: 18, total_tokens: 268 },
  });
}

/** SSE events: a role chunk, one chunk per piece of text, a finish chunk with usage, [DONE]. */
export function streamEvents(): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-bench',
      object: 'chat.completion.chunk',
      created: CREATED,
      model: MODEL,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    })}\n\n`;
  return [
    chunk({ role: 'assistant', content: '' }, null),
    ...STREAM_CHUNKS.map((text) => chunk({ content: text }, null)),
    chunk({}, 'stop'),
    'data: [DONE]\n\n',
  ];
}
