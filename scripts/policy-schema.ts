/** Writes schema/policy.schema.json (JSON Schema of the policy file format) from src/policy/schema.ts. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../src/policy/paths.js';
import { policyFileSchema } from '../src/policy/schema.js';

const schema = z.toJSONSchema(policyFileSchema, { io: 'input', cycles: 'ref' }) as Record<string, unknown>;
schema.$id = 'https://redline.local/schema/policy.schema.json';
schema.title = 'Redline policy layer (vendor red lines, deployment or tenant)';
const out = join(PACKAGE_ROOT, 'schema', 'policy.schema.json');
writeFileSync(out, JSON.stringify(schema, null, 2) + '\n');
process.stdout.write(`wrote ${out}\n`);
