import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/json-schema.js';

/** Regenerates schema/redline.config.schema.json from the zod schema (npm run schema). */
writeFileSync(new URL('../../schema/redline.config.schema.json', import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
