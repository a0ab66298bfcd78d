import type { FastifyInstance } from 'fastify';
import type { PipelineDeps } from '../pipeline/types.js';

/** Liveness and Prometheus metrics; neither needs a key and neither reveals content. */
export async function healthRoutes(app: FastifyInstance, deps: PipelineDeps): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok', policy: deps.engine.policyHash, deployment: deps.config.deployment_id }));
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
