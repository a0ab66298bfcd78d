import type { FastifyInstance } from 'fastify';
import type { PipelineDeps } from '../pipeline/types.js';

const LIST_TIMEOUT_MS = 3_000;

/**
 * GET /v1/models: the models clients can reach through the routing table — literal route names plus
 * what each routed upstream lists and the routes would send to it. OpenAI list shape, or Anthropic's
 * when the client sends `anthropic-version`.
 */
export async function modelRoutes(app: FastifyInstance, deps: PipelineDeps): Promise<void> {
  app.get('/v1/models', async (request) => {
    const ids = new Map<string, string>();
    for (const route of deps.config.routes) {
      if (!/[*?]/.test(route.model)) ids.set(route.model, route.provider);
    }
    await Promise.all(
      deps.router.providers().map(async (provider) => {
        const listed = await provider.listModels(AbortSignal.timeout(LIST_TIMEOUT_MS)).catch(() => [] as string[]);
        for (const id of listed) {
          const routed = safeResolve(deps, id);
          if (routed === provider.name && !ids.has(id)) ids.set(id, provider.name);
        }
      }),
    );
    const created = Math.floor(Date.now() / 1000);
    const models = [...ids.entries()].sort(([a], [b]) => a.localeCompare(b));
    if (request.headers['anthropic-version']) {
      const data = models.map(([id]) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() }));
      return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    }
    return { object: 'list', data: models.map(([id, owner]) => ({ id, object: 'model', created, owned_by: owner })) };
  });
}

function safeResolve(deps: PipelineDeps, model: string): string | undefined {
  try {
    return deps.router.resolve(model).provider.name;
  } catch {
    return undefined;
  }
}
