import { mkdtempSync, rmSync } from 'node:fs';
import { after, before, beforeEach } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { RedlineConfig } from '../../src/config/schema.js';
import { startGateway, type Gateway } from '../../src/gateway/start.js';
import { createLogger } from '../../src/observability/log.js';
import { startStandIn, type StandIn } from './upstreams.js';

export interface TestGateway {
  gateway: Gateway;
  url: string;
  dir: string;
  config: RedlineConfig;
  /** A client key of tenant "alpha". */
  clientKey: string;
  /** An operator key of tenant "alpha". */
  operatorKey: string;
  /** A client key of another tenant, "bravo". */
  otherTenantKey: string;
  close(): Promise<void>;
}

/**
 * A real gateway on a random port with its state in a temp folder, its upstreams pointing at
 * the given stand-in base URL. `extra` is merged over the generated config (YAML-shaped).
 */
export async function startTestGateway(upstreamUrl: string, extra: Record<string, unknown> = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-test-'));
  const config = parseConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: { sqlite: join(dir, 'redline.db') },
      data_dir: dir,
      providers: [
        { name: 'vendor-a', kind: 'openai', base_url: `${upstreamUrl}/v1`, api_key: 'sk-test-openai' },
        { name: 'vendor-b', kind: 'anthropic', base_url: upstreamUrl, api_key: 'sk-test-anthropic' },
        { name: 'vendor-g', kind: 'gemini', base_url: upstreamUrl, api_key: 'test-gemini' },
        { name: 'vendor-local', kind: 'openai-compatible', base_url: `${upstreamUrl}/v1` },
      ],
      routes: [
        { model: 'claude-*', provider: 'vendor-b' },
        { model: 'gemini-*', provider: 'vendor-g' },
        { model: 'llama-*', provider: 'vendor-local' },
        { model: 'xfmt-to-claude', provider: 'vendor-b', upstream_model: 'claude-translated' },
        { model: '*', provider: 'vendor-a' },
      ],
      logging: { level: 'silent' },
      ...extra,
    },
    'test',
  );
  const gateway = await startGateway(config, { log: createLogger('silent') });
  const [client, operator, other] = await Promise.all([
    gateway.keys.create('alpha', 'client'),
    gateway.keys.create('alpha', 'operator'),
    gateway.keys.create('bravo', 'client'),
  ]);
  return {
    gateway,
    url: gateway.url,
    dir,
    config,
    clientKey: client.secret,
    operatorKey: operator.secret,
    otherTenantKey: other.secret,
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers the usual hooks of an integration suite: a stand-in upstream and a gateway in front of
 * it for the whole suite, and a fresh default script and request log before each test.
 * Call inside `describe`; read `up` and `gw` inside tests or later hooks.
 */
export function gatewayFixture(extra: (upstreamUrl: string) => Record<string, unknown> = () => ({})): { readonly up: StandIn; readonly gw: TestGateway } {
  let up: StandIn | undefined;
  let gw: TestGateway | undefined;
  before(async () => {
    up = await startStandIn();
    gw = await startTestGateway(up.url, extra(up.url));
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });
  beforeEach(() => {
    up!.setScript();
    up!.received.length = 0;
  });
  return {
    get up() {
      return up!;
    },
    get gw() {
      return gw!;
    },
  };
}
