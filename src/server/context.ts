import type { Principal } from '../auth/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller, set by the authenticate hook for every /v1 route. */
    principal: Principal;
  }
}

export {};
