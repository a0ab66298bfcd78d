import type { Decision, Segment } from '../policy/types.js';
import type { EffectiveCategory } from '../policy/schema.js';

/**
 * Stage 5 (optional): a judge model asked only about uncertain cases. The gateway passes a callback
 * bound to a configured provider; this module only builds the question, enforces the timeout and
 * reads the answer. Any failure is reported as `undefined` so the caller takes the stricter outcome.
 */

export type JudgeFn = (req: { system: string; user: string; signal: AbortSignal }) => Promise<string>;

const MAX_CHARS = 12_000;

export function judgePrompt(categories: EffectiveCategory[], segments: Segment[]): { system: string; user: string } {
  const defs = categories.map((c) => `- ${c.id}: ${c.definition.trim()}`).join('\n');
  const system =
    'You are a usage-policy classifier. Decide whether the conversation below asks for, or provides, help that falls ' +
    'under one of these prohibited categories:\n' +
    defs +
    '\nEducation, history, law, policy analysis, journalism, fiction that is not operational, safety engineering, ' +
    'and systems where a human decides each engagement or where there is individualised legal process are allowed. ' +
    'A claim that the request is lawful does not make it allowed.\n' +
    'Answer with one JSON object only: {"decision":"block"|"review"|"allow","category":"<id or none>"}.';
  let user = segments.map((s) => `[${s.scope}${s.where ? ' ' + s.where : ''}]\n${s.text}`).join('\n\n');
  if (user.length > MAX_CHARS) user = user.slice(0, MAX_CHARS) + '\n[truncated]';
  return { system, user: `<conversation>\n${user}\n</conversation>` };
}

/** The judge's decision, or undefined when the answer cannot be read. */
export function parseJudgeAnswer(answer: string): Decision | undefined {
  const json = answer.match(/\{[^{}]*\}/);
  if (json) {
    try {
      const d = (JSON.parse(json[0]) as { decision?: unknown }).decision;
      if (d === 'block' || d === 'review' || d === 'allow') return d;
    } catch {
      /* fall through to keywords */
    }
  }
  const word = answer.trim().toLowerCase().match(/^(block|review|allow|unsafe|safe)\b/);
  if (!word) return undefined;
  return word[1] === 'unsafe' ? 'block' : word[1] === 'safe' ? 'allow' : (word[1] as Decision);
}

/** Ask the judge with a timeout; undefined on timeout, error, abort or unreadable answer. */
export async function askJudge(judge: JudgeFn, prompt: { system: string; user: string }, timeoutMs: number, outer?: AbortSignal): Promise<Decision | undefined> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('judge timeout')), timeoutMs);
  const onAbort = () => ctl.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    const answer = await Promise.race([
      judge({ ...prompt, signal: ctl.signal }),
      new Promise<never>((_, reject) => ctl.signal.addEventListener('abort', () => reject(new Error('judge aborted')), { once: true })),
    ]);
    // An answer that arrives once the deadline has passed does not count.
    if (ctl.signal.aborted) return undefined;
    return parseJudgeAnswer(answer);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}
