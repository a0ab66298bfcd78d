/**
 * Tool-call arguments are JSON text in the canonical form (as OpenAI carries them); Anthropic and
 * Gemini carry objects. Models sometimes emit invalid JSON: that must never fail a whole response,
 * so conversion is total in both directions.
 */

/** Canonical JSON text → the object Anthropic `input` / Gemini `args` need. */
export function argsObject(text: string): Record<string, unknown> {
  if (!text.trim()) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: keep the model's text rather than dropping it
  }
  return { _raw: text };
}

/** Anthropic `input` / Gemini `args` → canonical JSON text. */
export function argsText(value: unknown): string {
  if (value === undefined || value === null) return '{}';
  try {
    return JSON.stringify(value) ?? '{}';
  } catch {
    return '{}';
  }
}

/** A tool result for Gemini's `functionResponse.response`, which must be an object. */
export function resultObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // plain text result
  }
  return { content: text };
}
