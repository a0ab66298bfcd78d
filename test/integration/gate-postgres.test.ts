import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Principal } from '../../src/auth/types.js';
import { openDatabase, type Db } from '../../src/storage/database.js';
import { fireCall, harness, openaiBody, type Harness } from '../unit/gate-fixtures.js';

/**
 * The approval store's SQL on PostgreSQL (the unit tests run it on SQLite): the full cycle, the
 * conditional transitions under a race, and the expiry sweep. Each run uses its own tenant.
 */
const URL_ = process.env.REDLINE_TEST_POSTGRES_URL;
const skip = URL_ ? false : 'REDLINE_TEST_POSTGRES_URL is not set (run: eval "$(bash .ci/postgres.sh)")';

const tenant = `pg-${randomBytes(6).toString('hex')}`;
const client: Principal = { keyId: 'pgclient0001', tenant, role: 'client' };
const operator: Principal = { keyId: 'pgoperator01', tenant, role: 'operator' };
const admin: Principal = { keyId: 'pgadmin00001', tenant, role: 'admin' };

let db: Db;
let h: Harness;

before(async () => {
  if (!URL_) return;
  db = await openDatabase({ postgres: URL_ });
  h = await harness(60, db);
});
after(async () => {
  if (!URL_) return;
  await db.run('DELETE FROM gate_approvals WHERE tenant = $1', [tenant]);
  await db.close();
});

const hold = () =>
  h.service.hold({
    principal: client,
    requestId: 'req-pg',
    model: 'gpt-test',
    provider: 'stub',
    toolCall: fireCall,
    heldResponse: { format: 'openai', body: openaiBody() },
  });

test('hold, approve and release once on PostgreSQL', { skip }, async () => {
  const { id } = await hold();
  assert.deepEqual((await h.service.list(operator, 'pending')).map((a) => a.id), [id]);
  await h.service.approve(id, operator, 'ok');
  const released = await h.service.get(id, client);
  assert.deepEqual(released.response, openaiBody());
  await assert.rejects(h.service.get(id, client), (e: { code?: string }) => e.code === 'approval_already_used');
});

test('racing decisions on PostgreSQL: exactly one wins', { skip }, async () => {
  const { id } = await hold();
  const results = await Promise.allSettled([h.service.approve(id, operator, 'yes'), h.service.deny(id, admin, 'no')]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
});

test('expiry sweep on PostgreSQL', { skip }, async () => {
  await hold();
  h.clock.ms += 61_000;
  assert.ok((await h.service.sweep()) >= 1);
  assert.equal((await h.service.list(operator, 'pending')).length, 0);
});
