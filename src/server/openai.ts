import type { FastifyInstance } from 'fastify';
import type { PipelineDeps } from '../pipeline/types.js';
import { chatHandler } from './chat-route.js';

/** OpenAI-compatible surface: POST /v1/chat/completions (streaming and not, tools and tool_calls). */
export async function openaiRoutes(app: FastifyInstance, deps: PipelineDeps): Promise<void> {
  app.post('/v1/chat/completions', chatHandler(deps, 'openai'));
}
