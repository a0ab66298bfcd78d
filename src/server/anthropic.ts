import type { FastifyInstance } from 'fastify';
import type { PipelineDeps } from '../pipeline/types.js';
import { chatHandler } from './chat-route.js';

/** Anthropic-compatible surface: POST /v1/messages (streaming and not, tools and tool_use). */
export async function anthropicRoutes(app: FastifyInstance, deps: PipelineDeps): Promise<void> {
  app.post('/v1/messages', chatHandler(deps, 'anthropic'));
}
