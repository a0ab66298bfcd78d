import type { z } from 'zod';
import { WireError } from './types.js';

/**
 * Validate a wire body with a zod schema and turn the first problem into a `WireError` whose
 * message and `param` name the exact field (e.g. `messages[2].role`), so clients can fix it.
 * Schemas are loose objects: unknown fields pass (the raw body is forwarded anyway).
 */
export function validate<S extends z.ZodType>(schema: S, body: unknown, status: number, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const { path, message } = deepest(result.error.issues[0] as Issue, []);
  const param = fieldPath(path);
  throw new WireError(status, `${what}: ${param ? `field '${param}': ` : ''}${tidy(message)}`, param || undefined);
}

interface Issue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: Issue[][];
}

/** A failed union reports "Invalid input"; the branch that got furthest says what is actually wrong. */
function deepest(issue: Issue, prefix: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return { path, message: issue.message };
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  return best ? deepest(best, path) : { path, message: issue.message };
}

export function fieldPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

const tidy = (message: string) => {
  const m = message.replace(/^Invalid input: /, '').replace(/received undefined$/, 'but it is missing');
  return m.charAt(0).toLowerCase() + m.slice(1);
};
