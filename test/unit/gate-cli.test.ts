import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../src/auth/types.js';
import { register } from '../../src/cli/approvals.js';
import { approvalsApp, client, harness, holdFire, operator, type Harness } from './gate-fixtures.js';

/** `redline approvals list|approve|deny` against a listening gateway (127.0.0.1, port 0). */
const tokens: Record<string, Principal> = { 'tok-op': operator, 'tok-client': client };
let h: Harness;
let app: FastifyInstance;
let url: string;

before(async () => {
  h = await harness();
  app = await approvalsApp(h.service, tokens);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => app.close());

/** Run the CLI in-process; capture stdout, stderr and the exit code. */
async function cli(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command().exitOverride();
  let out = '';
  let err = '';
  register(program, { out: (s) => void (out += s), err: (s) => void (err += s) });
  const before = process.exitCode;
  process.exitCode = 0;
  let code = 0;
  try {
    await program.parseAsync(['node', 'redline', 'approvals', ...args, '--url', url, '--key', 'tok-op']);
  } finally {
    // The command reports refusals through process.exitCode; read it and restore the runner's.
    code = Number(process.exitCode ?? 0);
    process.exitCode = before;
  }
  return { out, err, code };
}

test('list shows the pending call with its arguments; approve releases it to the requester', async () => {
  const { id } = await holdFire(h);
  const listed = await cli('list');
  assert.equal(listed.code, 0);
  assert.match(listed.out, new RegExp(`^${id}\\tpending\\trelease_munition\\t`, 'm'));

  const approved = await cli('approve', id, '--reason', 'PID confirmed', '--json');
  assert.equal(approved.code, 0, approved.err);
  assert.equal(JSON.parse(approved.out).status, 'approved');
  assert.equal((await h.service.get(id, client)).status, 'released');
});

test('deny, then a second decision is refused with a clear message and exit code 1', async () => {
  const { id } = await holdFire(h);
  assert.equal((await cli('deny', id, '--reason', 'no PID')).code, 0);
  const again = await cli('approve', id, '--reason', 'changed my mind');
  assert.equal(again.code, 1);
  assert.match(again.err, /refused \(409 approval_not_pending\)/);
});
