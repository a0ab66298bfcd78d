import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { configJsonSchema } from '../../src/config/json-schema.js';

test('no config file gives the embedded defaults', () => {
  const cfg = loadConfig();
  assert.equal(cfg.server.host, '127.0.0.1');
  assert.equal(cfg.server.port, 8787);
  assert.deepEqual(cfg.storage, { sqlite: './data/redline.db' });
  assert.equal(cfg.detector.fail_open, false);
  assert.equal(cfg.ledger.fail_open, false);
});

test('the issue example config is accepted as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-cfg-'));
  const file = join(dir, 'redline.yaml');
  writeFileSync(
    file,
    `server: { host: 127.0.0.1, port: 8787 }
storage: { sqlite: ./data/redline.db }
providers:
  - { name: vendor-a, kind: openai, base_url: "http://127.0.0.1:9901/v1", api_key_env: VENDOR_A_KEY }
  - { name: vendor-b, kind: anthropic, base_url: "http://127.0.0.1:9901", api_key: "literal-allowed-for-tests" }
routes:
  - { model: "claude-*", provider: vendor-b }
  - { model: "*", provider: vendor-a }
`,
  );
  const cfg = loadConfig(file);
  assert.equal(cfg.providers.length, 2);
  assert.equal(cfg.routes[0]?.provider, 'vendor-b');
});

test('a misspelt key is refused by name', () => {
  assert.throws(() => parseConfig({ server: { prot: 1 } }, 'x.yaml'), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /server\.prot/);
    return true;
  });
});

test('wrong types and unknown enum values name their key', () => {
  assert.throws(
    () => parseConfig({ providers: [{ name: 'a', kind: 'azure', base_url: 'http://x' }] }, 'x.yaml'),
    /providers\.0\.kind/,
  );
  assert.throws(() => parseConfig({ server: { port: 'eighty' } }, 'x.yaml'), /server\.port/);
});

test('a route naming an unknown provider is refused', () => {
  assert.throws(() => parseConfig({ routes: [{ model: '*', provider: 'ghost' }] }, 'x.yaml'), /routes\.0\.provider: no provider named "ghost"/);
});

test('YAML syntax errors name the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'redline-cfg-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'server: { host: [\n');
  assert.throws(() => loadConfig(file), new RegExp(`config ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid YAML`));
});

test('the shipped JSON Schema is the one generated from the zod schema', () => {
  const shipped = JSON.parse(readFileSync(new URL('../../../schema/redline.config.schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(shipped, configJsonSchema(), 'run `npm run schema` after changing src/config/schema.ts');
});
