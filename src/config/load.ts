import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { configSchema, type RedlineConfig } from './schema.js';

/** A config that cannot be used; the message names the file and each bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Load and validate the YAML config; with no file, the embedded defaults. */
export function loadConfig(file?: string): RedlineConfig {
  if (!file) return parseConfig({}, '<defaults>');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(`config ${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseConfig(raw, file);
}

export function parseConfig(raw: unknown, source: string): RedlineConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(`invalid config ${source}:\n${formatIssues(result.error)}`);
  checkReferences(result.data, source);
  return result.data;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.') || '(root)';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.map((k) => `${path === '(root)' ? '' : path + '.'}${k}`).join(', ')})` : '';
      return `  - ${path}: ${issue.message}${keys}`;
    })
    .join('\n');
}

/** Cross-field checks zod cannot express per field: names must resolve. */
function checkReferences(cfg: RedlineConfig, source: string): void {
  const problems: string[] = [];
  const names = new Set<string>();
  cfg.providers.forEach((p, i) => {
    if (names.has(p.name)) problems.push(`providers.${i}.name: duplicate provider name "${p.name}"`);
    names.add(p.name);
    if (p.api_key && p.api_key_env) problems.push(`providers.${i}: set api_key or api_key_env, not both`);
  });
  cfg.routes.forEach((r, i) => {
    if (!names.has(r.provider)) problems.push(`routes.${i}.provider: no provider named "${r.provider}"`);
  });
  if (cfg.detector.judge && !names.has(cfg.detector.judge.provider)) {
    problems.push(`detector.judge.provider: no provider named "${cfg.detector.judge.provider}"`);
  }
  if (problems.length) throw new ConfigError(`invalid config ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
