/**
 * The systems under test, each reached through the same stand-in upstream:
 *  - direct:  the stand-in itself (the baseline every "added" figure is measured against);
 *  - portkey: the Portkey open-source gateway (@portkey-ai/gateway), no guardrails configured,
 *             routed to the stand-in with x-portkey-provider / x-portkey-custom-host;
 *  - redline: `redline serve` with the default (shipped, signed) policy, screening on, SQLite ledger.
 * Every gateway runs in its own spawned process.
 */
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runText, startService, type Service } from './processes.js';
import { PACED_MODEL } from './prompt.js';

/** Repository root (this file runs from dist/bench/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Ports of the two stand-in upstreams: one answers at once, one streams at a model-like pace. */
export interface Upstreams {
  burst: number;
  paced: number;
}

export interface Endpoint {
  /** Chat completions URL. */
  url: string;
  headers: Record<string, string>;
}

export interface Target extends Endpoint {
  name: 'direct' | 'portkey' | 'redline';
  /** The same system in front of the paced stand-in (send model PACED_MODEL). */
  paced: Endpoint;
  /** The gateway process (absent for direct). */
  service?: Service;
  stop(): Promise<void>;
}

export function direct(up: Upstreams): Target {
  const at = (port: number) => ({ url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: 'Bearer sk-bench-upstream' } });
  return { name: 'direct', ...at(up.burst), paced: at(up.paced), stop: async () => undefined };
}

export async function portkey(up: Upstreams): Promise<Target> {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('@portkey-ai/gateway/package.json'));
  const port = await freePort();
  // --headless and NODE_ENV=production: no web UI, no log-streaming endpoint.
  const service = await startService('portkey', process.execPath, [join(pkgDir, 'build', 'start-server.js'), `--port=${port}`, '--headless'], port, {
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const via = (upstreamPort: number) => ({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      authorization: 'Bearer sk-bench-upstream',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
    },
  });
  return {
    name: 'portkey',
    ...via(up.burst),
    paced: via(up.paced),
    service,
    stop: () => service.stop(),
  };
}

export interface RedlineOptions {
  /** Extra node flags for the gateway process, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /**
   * Extra NODE_OPTIONS for the gateway process, for experiments such as V8 heap limits (flags given
   * here come before the command line's, so `npm start`'s own flags win where both set one).
   */
  nodeOptions?: string;
  /** Top-level config keys merged over the benchmark config, for experiments (not the default run). */
  configOverrides?: Record<string, unknown>;
}

/**
 * How `npm start` runs the gateway (package.json): its node flags and its environment assignments
 * (MALLOC_ARENA_MAX), so the benchmark runs the gateway as shipped.
 */
function startCommand(): { flags: string[]; env: Record<string, string> } {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const tokens = pkg.scripts.start.split(/\s+/);
  const env = Object.fromEntries(tokens.filter((t) => /^[A-Z_]+=/.test(t)).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]));
  return { flags: tokens.filter((t) => t.startsWith('--')), env };
}

export async function redline(up: Upstreams, opts: RedlineOptions = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'redline-bench-'));
  const port = await freePort();
  const configFile = join(dir, 'redline.yaml');
  // JSON is valid YAML. Everything not set here is the shipped default: policy, screening, ledger.
  writeFileSync(
    configFile,
    JSON.stringify({
      server: { host: '127.0.0.1', port },
      storage: { sqlite: join(dir, 'redline.db') },
      data_dir: dir,
      providers: [
        { name: 'standin', kind: 'openai', base_url: `http://127.0.0.1:${up.burst}/v1`, api_key: 'sk-bench-upstream' },
        { name: 'standin-paced', kind: 'openai', base_url: `http://127.0.0.1:${up.paced}/v1`, api_key: 'sk-bench-upstream' },
      ],
      routes: [
        { model: PACED_MODEL, provider: 'standin-paced' },
        { model: '*', provider: 'standin' },
      ],
      ...opts.configOverrides,
    }),
  );
  const cli = join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');
  const start = startCommand();
  const env = { ...process.env, ...start.env, ...(opts.nodeOptions ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${opts.nodeOptions}`.trim() } : {}) };
  let secret: string;
  let service: Service;
  try {
    const created = await runText(process.execPath, [cli, 'keys', 'create', '--config', configFile, '--tenant', 'bench', '--role', 'client'], { cwd: dir });
    secret = created.trim().split('\n').pop()!;
    service = await startService('redline', process.execPath, [...start.flags, ...(opts.nodeFlags ?? []), cli, 'serve', '--config', configFile], port, { cwd: dir, env });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true }); // a failed start leaves no state behind
    throw err;
  }
  const endpoint = { url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: { authorization: `Bearer ${secret}` } };
  return {
    name: 'redline',
    ...endpoint,
    paced: endpoint,
    service,
    stop: async () => {
      await service.stop(15_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
