import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import type { Authenticator } from '../pipeline/authenticate.js';
import type { PipelineDeps } from '../pipeline/types.js';
import { anthropicRoutes } from './anthropic.js';
import './context.js';
import { GatewayError, errorBody, toGatewayError } from './errors.js';
import { healthRoutes } from './health.js';
import { modelRoutes } from './models.js';
import { openaiRoutes } from './openai.js';
import { screenRoutes } from './screen.js';

export interface AppOptions {
  deps: PipelineDeps;
  authenticator: Authenticator;
  /** Extra route plugins (the approvals API), registered behind authentication. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  onError?: (err: unknown, request: FastifyRequest) => void;
}

/** Which API's error shape a path speaks. */
const formatOf = (request: FastifyRequest): WireFormat =>
  request.url.startsWith('/v1/messages') || (request.url.startsWith('/v1/models') && request.headers['anthropic-version']) ? 'anthropic' : 'openai';

const OPEN_PATHS = new Set(['/healthz', '/metrics']);

/** The HTTP entry: parse → authenticate → the pipeline. One plugin per API surface. */
export function buildApp(opts: AppOptions): FastifyInstance {
  const { deps } = opts;
  const app = Fastify({
    logger: false,
    bodyLimit: deps.config.server.body_limit_bytes,
    genReqId: () => `req_${randomUUID().replace(/-/g, '')}`,
    return503OnClosing: true,
  });

  // Plain JSON.parse: the body is validated by the codecs; secure-json-parse's extra pass is not needed
  // because parsed bodies are never merged into objects with prototypes that matter.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(new GatewayError(400, 'invalid_request_error', 'request body is not valid JSON'), undefined);
    }
  });

  app.decorateRequest('principal', undefined as never);
  app.addHook('onRequest', async (request) => {
    if (OPEN_PATHS.has(request.url.split('?')[0]!)) return;
    try {
      request.principal = await opts.authenticator.authenticate(request.headers);
    } catch (err) {
      deps.metrics.authFailures.inc();
      throw err;
    }
  });

  app.setErrorHandler((err, request, reply) => {
    const e = toGatewayError(err);
    if (e.status >= 500) opts.onError?.(err, request);
    if (reply.sent || reply.raw.headersSent) return;
    reply.code(e.status).header('x-request-id', request.id).send(errorBody(formatOf(request), e, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new GatewayError(404, 'invalid_request_error', `unknown route: ${request.method} ${request.url.split('?')[0]}`, 'unknown_route');
    reply.code(404).send(errorBody(formatOf(request), e, request.id));
  });

  for (const plugin of [openaiRoutes, anthropicRoutes, modelRoutes, screenRoutes, healthRoutes]) {
    app.register(async (scope) => plugin(scope, deps));
  }
  for (const plugin of opts.plugins ?? []) app.register(plugin);
  return app;
}
