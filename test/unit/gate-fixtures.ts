import Fastify, { type FastifyInstance } from 'fastify';
import type { Principal } from '../../src/auth/types.js';
import { ApprovalService, type GateEvent } from '../../src/gate/service.js';
import { ephemeralSigner } from '../../src/gate/signer.js';
import { approvalRoutes } from '../../src/server/approvals.js';
import { ApprovalError } from '../../src/gate/errors.js';
import { openDatabase, type Db } from '../../src/storage/database.js';

/** Shared fixtures of the gate tests: principals, a stand-in upstream body, an in-memory service. */

export const client: Principal = { keyId: 'client00001', tenant: 'army', role: 'client' };
export const client2: Principal = { keyId: 'client00002', tenant: 'army', role: 'client' };
export const operator: Principal = { keyId: 'operator001', tenant: 'army', role: 'operator' };
export const admin: Principal = { keyId: 'admin000001', tenant: 'army', role: 'admin' };
export const foreignOperator: Principal = { keyId: 'operator002', tenant: 'navy', role: 'operator' };

/** Arguments with irregular spacing: the release must give back these exact bytes. */
export const FIRE_ARGS = '{"lat": 34.5213, "lon":69.1702,"munition":"GBU-12"}';

export const fireCall = { id: 'call_fire_1', name: 'release_munition', arguments: FIRE_ARGS };
export const weatherCall = { id: 'call_wx_1', name: 'get_weather', arguments: '{"city":"Kabul"}' };

export function openaiBody(calls = [fireCall, weatherCall]) {
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-test',
    system_fingerprint: 'fp_1',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
  };
}

export function anthropicBody(calls = [fireCall, weatherCall]) {
  return {
    id: 'msg_abc',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [
      { type: 'text', text: 'Calling tools.' },
      ...calls.map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments) as unknown })),
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 20 },
  };
}

/** An in-memory database through the storage facade. */
export const memoryDb = (): Promise<Db> => openDatabase({ sqlite: ':memory:' });

export interface Harness {
  db: Db;
  service: ApprovalService;
  events: GateEvent[];
  clock: { ms: number };
  /** Make the next ledger appends fail. */
  ledgerDown: { on: boolean };
}

export async function harness(ttlSeconds = 600, database?: Db, contentKey?: Buffer): Promise<Harness> {
  const db = database ?? (await memoryDb());
  const events: GateEvent[] = [];
  const clock = { ms: Date.parse('2026-11-27T07:00:00.000Z') };
  const ledgerDown = { on: false };
  const service = await ApprovalService.open({
    db,
    signer: ephemeralSigner('gw-test'),
    recorder: {
      append: async (e) => {
        if (ledgerDown.on) throw new Error('ledger down');
        events.push(structuredClone(e));
      },
    },
    ttlSeconds,
    now: () => clock.ms,
    contentKey,
  });
  return { db, service, events, clock, ledgerDown };
}

/** Hold the fire call of an OpenAI body made by `by` (default: the client). */
export function holdFire(h: Harness, by: Principal = client, body: unknown = openaiBody()) {
  return h.service.hold({
    principal: by,
    requestId: 'req-1',
    model: 'gpt-test',
    provider: 'stub',
    toolCall: fireCall,
    heldResponse: { format: 'openai', body },
    reasons: ['rule:effector.munition'],
  });
}

/** Assert helper: run `fn`, expect an ApprovalError with this status and code. */
export async function refused(fn: () => Promise<unknown>, status: number, code: string): Promise<void> {
  const { rejects } = await import('node:assert/strict');
  await rejects(fn, (e: unknown) => {
    const err = e as { status?: number; code?: string; message?: string };
    if (err.status !== status || err.code !== code) {
      throw new Error(`expected ${status} ${code}, got ${err.status} ${err.code}: ${err.message}`);
    }
    return true;
  });
}

/** The approval routes on a bare fastify app; bearer tokens map straight to principals. */
export async function approvalsApp(service: ApprovalService, tokens: Record<string, Principal>): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(approvalRoutes, {
    service,
    authenticate: async (req) => {
      const p = tokens[String(req.headers.authorization ?? '').replace(/^Bearer /, '')];
      if (!p) throw new ApprovalError(401, 'invalid_api_key', 'invalid gateway key', 'authentication_error');
      return p;
    },
  });
  return app;
}
