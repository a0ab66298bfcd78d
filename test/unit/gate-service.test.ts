import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindingHash } from '../../src/gate/binding.js';
import {
  admin,
  anthropicBody,
  client,
  client2,
  FIRE_ARGS,
  fireCall,
  foreignOperator,
  harness,
  holdFire,
  openaiBody,
  operator,
  refused,
  weatherCall,
  type Harness,
} from './gate-fixtures.js';

const fireBinding = (over: Partial<Parameters<typeof bindingHash>[0]> = {}) =>
  bindingHash({ tenant: 'army', requestId: 'req-1', toolName: fireCall.name, arguments: FIRE_ARGS, callId: fireCall.id, ...over });

/** Ledger events outside their `content` field (which the ledger digests) must never carry the arguments. */
function assertNoArgsInClear(h: Harness) {
  for (const e of h.events) {
    const { content: _content, ...rest } = e;
    assert.equal(JSON.stringify(rest).includes('34.5213'), false, `arguments in clear in ${e.type}`);
  }
}

test('happy path: held, reviewed, approved, released once with the exact upstream call', async () => {
  const h = await harness();
  const { id, bindingHash: bh } = await holdFire(h);
  assert.equal(bh, fireBinding());

  const pending = await h.service.get(id, client);
  assert.equal(pending.status, 'pending');
  assert.equal(pending.arguments, undefined, 'a client never sees arguments of a pending call');
  assert.equal(pending.response, undefined);

  const queue = await h.service.list(operator, 'pending');
  assert.deepEqual(queue.map((a) => [a.id, a.arguments, a.binding_hash]), [[id, FIRE_ARGS, bh]]);

  const approved = await h.service.approve(id, operator, 'target verified by JTAC', bh);
  assert.equal(approved.status, 'approved');
  assert.equal(approved.operator_key_id, operator.keyId);

  // The operator looking at it does not consume the release.
  assert.equal((await h.service.get(id, operator)).status, 'approved');

  const released = await h.service.get(id, client);
  assert.equal(released.status, 'released');
  assert.equal(released.format, 'openai');
  assert.deepEqual(released.response, openaiBody(), 'exactly as the upstream produced it');

  await refused(() => h.service.get(id, client), 409, 'approval_already_used');
  assert.equal((await h.service.get(id, operator)).status, 'released');

  assert.deepEqual(h.events.map((e) => e.type), ['approval_held', 'approval_approved', 'approval_released']);
  const approvedEvent = h.events[1]!;
  assert.equal(approvedEvent.operator_key_id, operator.keyId);
  assert.equal(approvedEvent.reason, 'target verified by JTAC');
  assert.equal(typeof approvedEvent.signature, 'string');
  assertNoArgsInClear(h);
});

test('an approval for other arguments (binding hash of another call) is refused', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  await refused(() => h.service.approve(id, operator, 'ok', fireBinding({ arguments: '{"lat": 0, "lon":0,"munition":"GBU-12"}' })), 409, 'binding_mismatch');
  await refused(() => h.service.approve(id, operator, 'ok', fireBinding({ tenant: 'navy' })), 409, 'binding_mismatch');
  assert.equal((await h.service.get(id, operator)).status, 'pending');
});

test('another tenant cannot see, list, approve or deny (404, existence not leaked)', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  await refused(() => h.service.get(id, foreignOperator), 404, 'approval_not_found');
  await refused(() => h.service.approve(id, foreignOperator, 'ok'), 404, 'approval_not_found');
  await refused(() => h.service.deny(id, foreignOperator, 'no'), 404, 'approval_not_found');
  assert.deepEqual(await h.service.list(foreignOperator), []);
  await refused(() => h.service.get('apr_doesnotexist', operator), 404, 'approval_not_found');
});

test('after expiry a pending approval cannot be approved', async () => {
  const h = await harness(600);
  const { id } = await holdFire(h);
  h.clock.ms += 600_000;
  await refused(() => h.service.approve(id, operator, 'late'), 409, 'approval_expired');
  assert.equal((await h.service.get(id, client)).status, 'expired');
  assert.deepEqual(h.events.map((e) => e.type), ['approval_held', 'approval_expired']);
});

test('an approved call not fetched before its deadline expires and is never released', async () => {
  const h = await harness(60);
  const { id } = await holdFire(h);
  h.clock.ms += 30_000;
  await h.service.approve(id, operator, 'ok');
  h.clock.ms += 60_000;
  const view = await h.service.get(id, client);
  assert.equal(view.status, 'expired');
  assert.equal(view.response, undefined);
});

test('the sweep expires due approvals once and records each', async () => {
  const h = await harness(10);
  await holdFire(h);
  await holdFire(h);
  h.clock.ms += 9_000;
  assert.equal(await h.service.sweep(), 0);
  h.clock.ms += 1_000;
  assert.equal(await h.service.sweep(), 2);
  assert.equal(await h.service.sweep(), 0);
  assert.equal(h.events.filter((e) => e.type === 'approval_expired').length, 2);
});

test('the key that made the request cannot approve it; clients cannot decide at all', async () => {
  const h = await harness();
  const { id } = await holdFire(h, operator);
  await refused(() => h.service.approve(id, operator, 'mine'), 403, 'self_approval');
  await refused(() => h.service.approve(id, client, 'ok'), 403, 'operator_required');
  // Another operator (admin) of the tenant may.
  assert.equal((await h.service.approve(id, admin, 'second person check')).status, 'approved');
});

test('a reason is required', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  await refused(() => h.service.approve(id, operator, '   '), 400, 'reason_required');
  await refused(() => h.service.deny(id, operator, ''), 400, 'reason_required');
});

test('deny: never released, recorded with reason, no later approval', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  const denied = await h.service.deny(id, operator, 'civilians in area');
  assert.equal(denied.status, 'denied');
  const view = await h.service.get(id, client);
  assert.equal(view.status, 'denied');
  assert.equal(view.response, undefined);
  await refused(() => h.service.approve(id, admin, 'override'), 409, 'approval_not_pending');
  const e = h.events.find((x) => x.type === 'approval_denied');
  assert.equal(e?.reason, 'civilians in area');
  assert.equal(e?.operator_key_id, operator.keyId);
});

test('only the requesting key receives the release; other clients of the tenant see status only', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  await h.service.approve(id, operator, 'ok');
  const other = await h.service.get(id, client2);
  assert.equal(other.status, 'approved');
  assert.equal(other.response, undefined);
  assert.equal((await h.service.get(id, client)).status, 'released');
  assert.deepEqual((await h.service.list(client2)).length, 0, 'clients list only their own requests');
});

const tamperings: Array<[string, string, unknown[]]> = [
  ['stored arguments', 'UPDATE gate_approvals SET arguments = $1', ['{"lat": 0, "lon":0,"munition":"GBU-12"}']],
  ['held body', 'UPDATE gate_approvals SET held_body = replace(held_body, $1, $2)', ['34.5213', '35.0000']],
  ['binding hash', 'UPDATE gate_approvals SET binding_hash = $1', ['00'.repeat(32)]],
  ['strip list', 'UPDATE gate_approvals SET strip_call_ids = $1', ['["call_fire_1"]']],
  ['operator', 'UPDATE gate_approvals SET operator_key_id = $1', ['operator009']],
  ['decision signature', 'UPDATE gate_approvals SET decision_sig = $1', [Buffer.alloc(64).toString('base64')]],
  ['release deadline', 'UPDATE gate_approvals SET approval_expires_at = $1', ['2099-01-01T00:00:00.000Z']],
];

for (const [what, sql, params] of tamperings) {
  test(`tampered ${what} after approval: release fails closed`, async () => {
    const h = await harness();
    const { id } = await holdFire(h);
    await h.service.approve(id, operator, 'ok');
    await h.db.run(sql, params);
    await refused(() => h.service.get(id, client), 500, 'approval_integrity_failure');
    assert.equal(h.events.some((e) => e.type === 'approval_released'), false);
  });
}

test('tampered arguments before approval, recomputed binding hash and all: approval refused', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  const args = '{"lat": 0, "lon":0,"munition":"GBU-12"}';
  await h.db.run('UPDATE gate_approvals SET arguments = $1, binding_hash = $2', [args, fireBinding({ arguments: args })]);
  await refused(() => h.service.approve(id, operator, 'ok'), 500, 'approval_integrity_failure');
});

test('approving one effector call never releases another withheld call of the same response', async () => {
  const h = await harness();
  const second = { id: 'call_fire_2', name: 'release_munition', arguments: '{"lat":1,"lon":2}' };
  const body = anthropicBody([fireCall, second, weatherCall]);
  const a = await h.service.hold({
    principal: client,
    requestId: 'req-1',
    model: 'claude-test',
    provider: 'stub',
    toolCall: fireCall,
    heldResponse: { format: 'anthropic', body },
    stripCallIds: [second.id],
  });
  await h.service.approve(a.id, operator, 'ok');
  const released = (await h.service.get(a.id, client)).response as ReturnType<typeof anthropicBody>;
  assert.deepEqual(
    released.content.filter((b) => b.type === 'tool_use').map((b) => ('id' in b ? b.id : '')),
    [fireCall.id, weatherCall.id],
  );
});

test('ledger down: decisions and releases fail closed and change nothing', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  h.ledgerDown.on = true;
  await refused(() => h.service.approve(id, operator, 'ok'), 503, 'ledger_unavailable');
  h.ledgerDown.on = false;
  assert.equal((await h.service.get(id, operator)).status, 'pending');
  await h.service.approve(id, operator, 'ok');
  h.ledgerDown.on = true;
  await refused(() => h.service.get(id, client), 503, 'ledger_unavailable');
  h.ledgerDown.on = false;
  assert.equal((await h.service.get(id, client)).status, 'released');
  h.ledgerDown.on = true;
  await refused(() => holdFire(h), 503, 'ledger_unavailable');
});

test('concurrent approve and deny: exactly one wins', async () => {
  const h = await harness();
  const { id } = await holdFire(h);
  const results = await Promise.allSettled([h.service.approve(id, operator, 'yes'), h.service.deny(id, admin, 'no')]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  void weatherCall;
});
