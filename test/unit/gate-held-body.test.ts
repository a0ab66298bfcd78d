import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { client, fireCall, harness, holdFire, openaiBody, operator, refused } from './gate-fixtures.js';

const key = randomBytes(32);
const heldColumn = async (h: Awaited<ReturnType<typeof harness>>) => (await h.db.all<{ id: string; held_body: string | null }>('SELECT id, held_body FROM gate_approvals ORDER BY id', []));

test('with a content key the held response is ciphertext at rest and released exactly as held', async () => {
  const h = await harness(600, undefined, key);
  const { id } = await holdFire(h);
  const [row] = await heldColumn(h);
  assert.match(row!.held_body!, /^a256gcm:/);
  for (const secret of ['GBU-12', '34.5213', 'chatcmpl-abc', fireCall.name]) assert.equal(row!.held_body!.includes(secret), false, secret);
  await h.service.approve(id, operator, 'target verified');
  const released = await h.service.get(id, client);
  assert.equal(released.status, 'released');
  assert.deepEqual(released.response, openaiBody());
  assert.equal((await heldColumn(h))[0]!.held_body, null, 'the body is dropped once released');
});

test('an edited ciphertext, or one moved from another approval, is never released', async () => {
  const h = await harness(600, undefined, key);
  const a = await holdFire(h);
  const b = await holdFire(h);
  await h.service.approve(a.id, operator, 'ok');
  await h.service.approve(b.id, operator, 'ok');
  const rows = await heldColumn(h);
  const other = rows.find((r) => r.id !== a.id)!.held_body!;
  // Both rows hold the same response: only the binding to its approval id tells them apart.
  await h.db.run('UPDATE gate_approvals SET held_body = $1 WHERE id = $2', [other, a.id]);
  await refused(() => h.service.get(a.id, client), 500, 'approval_integrity_failure');
  const mine = rows.find((r) => r.id === b.id)!.held_body!;
  const flipped = mine.slice(0, -6) + (mine.at(-6) === 'A' ? 'B' : 'A') + mine.slice(-5);
  await h.db.run('UPDATE gate_approvals SET held_body = $1 WHERE id = $2', [flipped, b.id]);
  await refused(() => h.service.get(b.id, client), 500, 'approval_integrity_failure');
  assert.equal(h.events.some((e) => e.type === 'approval_released'), false);
});

test('a gateway restarted with another content key releases nothing it cannot open', async () => {
  const h = await harness(600, undefined, key);
  const { id } = await holdFire(h);
  await h.service.approve(id, operator, 'ok');
  const restarted = await harness(600, h.db, randomBytes(32));
  await refused(() => restarted.service.get(id, client), 500, 'approval_integrity_failure');
});
