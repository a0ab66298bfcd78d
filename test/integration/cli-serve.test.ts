import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { RED_LINE_PROMPT } from '../helpers/prompts.js';
import { startStandIn, type StandIn } from '../helpers/upstreams.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The gateway as an operator runs it: `redline serve --config`, keys from `redline keys create`. */
describe('redline serve and keys from the command line', () => {
  let dir: string;
  let config: string;
  let up: StandIn;
  let child: ChildProcess;
  let url: string;
  let logs = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'redline-cli-'));
    up = await startStandIn();
    config = join(dir, 'redline.yaml');
    writeFileSync(
      config,
      [
        'server: { host: 127.0.0.1, port: 0 }',
        `storage: { sqlite: ${join(dir, 'redline.db')} }`,
        `data_dir: ${dir}`,
        'providers:',
        `  - { name: vendor-a, kind: openai, base_url: "${up.url}/v1", api_key_env: REDLINE_TEST_VENDOR_KEY }`,
        'routes:',
        '  - { model: "*", provider: vendor-a }',
        '',
      ].join('\n'),
    );
    child = spawn(process.execPath, [CLI, 'serve', '--config', config], {
      env: { ...process.env, REDLINE_TEST_VENDOR_KEY: 'sk-from-env' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        logs += d.toString();
        const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
    });
  });
  after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await up.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const keysCreate = (role: string) => {
    const r = spawnSync(process.execPath, [CLI, 'keys', 'create', '--config', config, '--tenant', 'ops', '--role', role], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim().split('\n').at(-1)!;
  };

  test('keys create prints the secret last, stores only its hash, and the key works', async () => {
    const secret = keysCreate('client');
    assert.match(secret, /^rl_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    const db = spawnSync('grep', ['-c', secret, join(dir, 'redline.db')], { encoding: 'utf8' });
    assert.equal(db.stdout.trim(), '0', 'the secret is not stored in clear');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(res.choices[0]?.message.content, 'ok: 5 chars');
    assert.equal(up.received.at(-1)?.headers.authorization, 'Bearer sk-from-env');
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: RED_LINE_PROMPT }] }), OpenAI.PermissionDeniedError);
  });

  test('prompt content never lands in the database or the log in clear', async () => {
    const secret = keysCreate('client');
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: secret, maxRetries: 0 });
    const marker = 'zebra-marker-58213 convoy timetable';
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: marker }] });
    const files = ['redline.db', 'redline.db-wal'].map((f) => join(dir, f));
    const hits = spawnSync('grep', ['-l', '-a', 'zebra-marker-58213', ...files], { encoding: 'utf8' });
    assert.equal(hits.stdout.trim(), '', 'no store file contains the prompt');
    assert.ok(!logs.includes('zebra-marker-58213'), 'the log does not contain the prompt');
    assert.ok(!logs.includes(secret), 'the log does not contain the key');
  });

  test('a bad role is refused with a clear message', () => {
    const r = spawnSync(process.execPath, [CLI, 'keys', 'create', '--config', config, '--tenant', 'ops', '--role', 'root'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--role must be one of client, operator, admin/);
  });

  test('SIGTERM stops cleanly and the ledger verifies afterwards', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    const v = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--config', config], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  test('a config with a misspelt key does not start and names the key', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'server: { hots: 127.0.0.1 }\n');
    const r = spawnSync(process.execPath, [CLI, 'serve', '--config', bad], { encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /server\.hots/);
  });
});
