import type { FastifyInstance } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import { recordDecision } from '../pipeline/record.js';
import { screen } from '../pipeline/screen.js';
import { inputSegments, promptText } from '../pipeline/segments.js';
import type { PipelineDeps } from '../pipeline/types.js';
import type { Segment } from '../policy/types.js';
import { codecFor } from '../providers/index.js';
import { GatewayError } from './errors.js';

/**
 * POST /v1/screen: the decision without forwarding. Body: {"text": "..."} or
 * {"request": <chat request>, "format"?: "openai" | "anthropic"}. The decision is recorded like any other.
 */
export async function screenRoutes(app: FastifyInstance, deps: PipelineDeps): Promise<void> {
  app.post('/v1/screen', async (request) => {
    const startedNs = process.hrtime.bigint();
    const body = request.body as { text?: unknown; request?: unknown; format?: unknown } | null;
    let segments: Segment[];
    let prompt: string;
    let model = '';
    const format: WireFormat = body?.format === 'anthropic' ? 'anthropic' : 'openai';
    if (typeof body?.text === 'string') {
      segments = [{ scope: 'input', text: body.text, where: 'text' }];
      prompt = body.text;
    } else if (body?.request && typeof body.request === 'object') {
      const chat = codecFor(format).parseRequest(body.request);
      segments = inputSegments(chat);
      prompt = promptText(chat);
      model = chat.model;
    } else {
      throw new GatewayError(400, 'invalid_request_error', 'send {"text": string} or {"request": chat request object}', undefined, 'text');
    }
    const { verdict, refused } = await screen(deps, segments, request.principal.tenant, 'screen');
    await recordDecision(
      deps,
      {
        requestId: request.id,
        principal: request.principal,
        format,
        request: { model },
        startedNs,
      },
      { outcome: 'screened', input: verdict, prompt },
    );
    return {
      id: request.id,
      decision: verdict.decision,
      refused,
      categories: verdict.categories,
      rules: verdict.rules,
      policy: verdict.policy,
      stages: verdict.stages,
      micros: verdict.micros,
    };
  });
}
