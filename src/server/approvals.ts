import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/types.js';
import type { ApprovalService } from '../gate/service.js';
import type { ApprovalStatus } from '../gate/store.js';
import { ApprovalError, approvalErrorBody } from '../gate/errors.js';

/**
 * The approval API (acceptance interface):
 *   GET  /v1/approvals/:id            status; releases the approved call once to the key that made the request
 *   POST /v1/approvals/:id/approve    operator of the same tenant, body {reason, binding_hash?}
 *   POST /v1/approvals/:id/deny       operator of the same tenant, body {reason}
 *   GET  /v1/approvals?status=…       the tenant's review queue
 * The caller is `request.principal`, set by the server's authenticate hook; when the routes are
 * mounted where that hook does not run, pass `authenticate` instead.
 */
export interface ApprovalRoutesOptions {
  service: ApprovalService;
  authenticate?: (request: FastifyRequest) => Promise<Principal>;
}

const STATUSES: readonly ApprovalStatus[] = ['pending', 'approved', 'denied', 'expired', 'released'];

interface IdParams {
  id: string;
}
interface DecisionBody {
  reason?: unknown;
  binding_hash?: unknown;
}

/** Errors that carry an HTTP status, code and type (e.g. the server's GatewayError) keep them; anything else is a 500. */
function asApprovalError(e: unknown): unknown {
  if (e instanceof ApprovalError) return e;
  const x = e as { status?: unknown; code?: unknown; type?: unknown; message?: unknown };
  if (typeof x?.status === 'number' && x.status >= 400 && x.status < 500 && typeof x.message === 'string') {
    return new ApprovalError(x.status, typeof x.code === 'string' ? x.code : 'invalid_request_error', x.message, typeof x.type === 'string' ? x.type : undefined);
  }
  return e;
}

export const approvalRoutes: FastifyPluginAsync<ApprovalRoutesOptions> = async (app, opts) => {
  const { service } = opts;

  async function principalOf(request: FastifyRequest): Promise<Principal> {
    // Read without a module augmentation so this file does not fight the server's own declaration.
    const set = (request as unknown as { principal?: Principal }).principal;
    if (set) return set;
    if (opts.authenticate) return opts.authenticate(request);
    throw new ApprovalError(401, 'invalid_api_key', 'a gateway key is required', 'authentication_error');
  }

  /** Answer in the OpenAI error shape; approval content never goes to the log. */
  const guarded =
    <R extends FastifyRequest>(handler: (request: R, principal: Principal) => Promise<unknown>) =>
    async (request: R, reply: FastifyReply) => {
      try {
        const body = await handler(request, await principalOf(request));
        return reply.header('cache-control', 'no-store').send(body);
      } catch (e) {
        // A caller-supplied authenticate may throw the server's own error type: keep its status and code.
        const { status, body } = approvalErrorBody(asApprovalError(e), String(request.id));
        return reply.code(status).send(body);
      }
    };

  const decisionArgs = (body: DecisionBody | undefined) => {
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      throw new ApprovalError(400, 'invalid_body', 'body must be a JSON object {"reason": "..."}');
    }
    const reason = body?.reason;
    if (typeof reason !== 'string' || !reason.trim()) {
      throw new ApprovalError(400, 'reason_required', 'a non-empty "reason" is required', undefined, 'reason');
    }
    const binding = body?.binding_hash;
    if (binding !== undefined && (typeof binding !== 'string' || !/^[0-9a-f]{64}$/.test(binding))) {
      throw new ApprovalError(400, 'invalid_binding_hash', '"binding_hash" must be 64 lowercase hex characters', undefined, 'binding_hash');
    }
    return { reason, binding: binding as string | undefined };
  };

  app.get<{ Querystring: { status?: string } }>(
    '/v1/approvals',
    guarded(async (request: FastifyRequest<{ Querystring: { status?: string } }>, principal) => {
      const status = request.query.status;
      if (status !== undefined && !STATUSES.includes(status as ApprovalStatus)) {
        throw new ApprovalError(400, 'invalid_status', `status must be one of ${STATUSES.join(', ')}`, undefined, 'status');
      }
      return { object: 'list', data: await service.list(principal, status as ApprovalStatus | undefined) };
    }),
  );

  app.get<{ Params: IdParams }>(
    '/v1/approvals/:id',
    guarded(async (request: FastifyRequest<{ Params: IdParams }>, principal) => ({
      object: 'approval',
      ...(await service.get(request.params.id, principal)),
    })),
  );

  app.post<{ Params: IdParams; Body: DecisionBody }>(
    '/v1/approvals/:id/approve',
    guarded(async (request: FastifyRequest<{ Params: IdParams; Body: DecisionBody }>, principal) => {
      const { reason, binding } = decisionArgs(request.body);
      return { object: 'approval', ...(await service.approve(request.params.id, principal, reason, binding)) };
    }),
  );

  app.post<{ Params: IdParams; Body: DecisionBody }>(
    '/v1/approvals/:id/deny',
    guarded(async (request: FastifyRequest<{ Params: IdParams; Body: DecisionBody }>, principal) => {
      const { reason } = decisionArgs(request.body);
      return { object: 'approval', ...(await service.deny(request.params.id, principal, reason)) };
    }),
  );
};
