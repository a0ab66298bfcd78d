import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { PolicyError } from './errors.js';
import { policyFileSchema, type PolicyFile } from './schema.js';
import { parsePublicKey, verifyPolicyFile } from './signature.js';

export interface LoadedLayer {
  name: string;
  file: string;
  policy: PolicyFile;
  /** SHA-256 of the file bytes. */
  hash: string;
  signed: boolean;
}

/** Parse and validate one policy file; errors name the file and each bad key. */
export function readPolicyFile(file: string, opts: { publicKey?: string; layer: string }): LoadedLayer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new PolicyError(`cannot read ${opts.layer} policy ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (opts.publicKey !== undefined) verifyPolicyFile(file, data, parsePublicKey(opts.publicKey));
  return { ...parsePolicyText(data.toString('utf8'), file, opts.layer), hash: sha256(data), signed: opts.publicKey !== undefined };
}

export function parsePolicyText(text: string, source: string, layer: string): { name: string; file: string; policy: PolicyFile } {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (err) {
    throw new PolicyError(`${layer} policy ${source} is not valid YAML: ${(err as Error).message}`);
  }
  const result = policyFileSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `  - ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new PolicyError(`invalid ${layer} policy ${source}:\n${issues}`);
  }
  return { name: result.data.name, file: source, policy: result.data };
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
