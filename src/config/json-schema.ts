import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema of the config file (input side: defaults are optional), for editor completion. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://redline.invalid/schema/redline.config.schema.json',
    title: 'Redline gateway configuration',
    ...z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }),
  };
}
