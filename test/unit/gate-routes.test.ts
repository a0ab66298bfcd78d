import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../src/auth/types.js';
import { approvalsApp, client, foreignOperator, harness, holdFire, openaiBody, operator, type Harness } from './gate-fixtures.js';

const tokens: Record<string, Principal> = { 'tok-client': client, 'tok-op': operator, 'tok-navy': foreignOperator };

let h: Harness;
let app: FastifyInstance;

before(async () => {
  h = await harness();
  app = await approvalsApp(h.service, tokens);
  await app.ready();
});
after(() => app.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });

test('full flow over HTTP: queue, approve with binding hash, release once', async () => {
  const { id, bindingHash } = await holdFire(h);
  const queue = await app.inject({ method: 'GET', url: '/v1/approvals?status=pending', headers: as('tok-op') });
  assert.equal(queue.statusCode, 200);
  const list = queue.json() as { object: string; data: Array<{ id: string; binding_hash: string }> };
  assert.equal(list.object, 'list');
  assert.ok(list.data.some((a) => a.id === id && a.binding_hash === bindingHash));

  const approve = await app.inject({
    method: 'POST',
    url: `/v1/approvals/${id}/approve`,
    headers: as('tok-op'),
    payload: { reason: 'PID confirmed', binding_hash: bindingHash },
  });
  assert.equal(approve.statusCode, 200);
  assert.equal(approve.json().status, 'approved');

  const fetched = await app.inject({ method: 'GET', url: `/v1/approvals/${id}`, headers: as('tok-client') });
  assert.equal(fetched.statusCode, 200);
  assert.equal(fetched.headers['cache-control'], 'no-store');
  assert.deepEqual(fetched.json().response, openaiBody());

  const again = await app.inject({ method: 'GET', url: `/v1/approvals/${id}`, headers: as('tok-client') });
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().error.code, 'approval_already_used');
});

test('refusals come back in the OpenAI error shape with 4xx codes', async () => {
  const { id } = await holdFire(h);
  const cases: Array<[string, string, string, unknown, number, string]> = [
    ['GET', `/v1/approvals/${id}`, 'tok-navy', undefined, 404, 'approval_not_found'],
    ['POST', `/v1/approvals/${id}/approve`, 'tok-navy', { reason: 'x' }, 404, 'approval_not_found'],
    ['POST', `/v1/approvals/${id}/approve`, 'tok-client', { reason: 'x' }, 403, 'operator_required'],
    ['POST', `/v1/approvals/${id}/approve`, 'tok-op', {}, 400, 'reason_required'],
    ['POST', `/v1/approvals/${id}/approve`, 'tok-op', { reason: 'x', binding_hash: 'f'.repeat(64) }, 409, 'binding_mismatch'],
    ['POST', `/v1/approvals/${id}/approve`, 'tok-op', { reason: 'x', binding_hash: 'nothex' }, 400, 'invalid_binding_hash'],
    ['GET', '/v1/approvals?status=bogus', 'tok-op', undefined, 400, 'invalid_status'],
    ['GET', '/v1/approvals', 'nobody', undefined, 401, 'invalid_api_key'],
  ];
  for (const [method, url, token, payload, status, code] of cases) {
    const res = await app.inject({ method: method as 'GET' | 'POST', url, headers: as(token), ...(payload === undefined ? {} : { payload: payload as object }) });
    assert.equal(res.statusCode, status, `${method} ${url} as ${token}`);
    const body = res.json() as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.code, code, `${method} ${url} as ${token}`);
    assert.equal(typeof body.error.type, 'string');
    assert.ok(body.error.message.length > 0);
  }
});

test('deny over HTTP: the requester sees denied and never the call', async () => {
  const { id } = await holdFire(h);
  const deny = await app.inject({ method: 'POST', url: `/v1/approvals/${id}/deny`, headers: as('tok-op'), payload: { reason: 'collateral risk' } });
  assert.equal(deny.statusCode, 200);
  const view = (await app.inject({ method: 'GET', url: `/v1/approvals/${id}`, headers: as('tok-client') })).json();
  assert.equal(view.status, 'denied');
  assert.equal(view.response, undefined);
  assert.equal(view.arguments, undefined);
});
