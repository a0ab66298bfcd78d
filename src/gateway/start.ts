import type { FastifyInstance } from 'fastify';
import { KeyStore } from '../auth/key-store.js';
import type { RedlineConfig } from '../config/schema.js';
import { openLedger, type Ledger } from '../ledger/index.js';
import { Metrics } from '../observability/metrics.js';
import { createLogger, type Logger } from '../observability/log.js';
import { Authenticator } from '../pipeline/authenticate.js';
import { Router } from '../pipeline/route.js';
import type { PipelineDeps } from '../pipeline/types.js';
import { createPolicyEngine } from '../policy/engine.js';
import { createProvider } from '../providers/index.js';
import type { Provider } from '../providers/types.js';
import { buildApp } from '../server/app.js';
import { openDatabase } from '../storage/database.js';
import { judgeFor } from './judge.js';
import { createToolGate } from './tool-gate.js';

export interface Gateway {
  app: FastifyInstance;
  deps: PipelineDeps;
  ledger: Ledger;
  keys: KeyStore;
  log: Logger;
  /** http://host:port the gateway listens on. */
  url: string;
  close(): Promise<void>;
}

/**
 * The composition root: builds every stage from the config and starts listening. Startup fails
 * (and nothing listens) if the policy cannot be loaded and verified or the ledger cannot be opened.
 */
export async function startGateway(config: RedlineConfig, opts: { log?: Logger } = {}): Promise<Gateway> {
  const log = opts.log ?? createLogger(config.logging.level);
  const db = await openDatabase(config.storage);
  const keys = await KeyStore.open(db);
  const providers = new Map<string, Provider>(config.providers.map((p) => [p.name, createProvider(p)]));
  const engine = await createPolicyEngine(config, { judge: judgeFor(config, providers) });
  const ledger = await openLedger(config);
  const metrics = new Metrics();
  const deps: PipelineDeps = { config, engine, router: new Router(config.routes, providers), recorder: ledger, metrics };
  const gate = await createToolGate(config, db, engine, ledger);
  deps.gate = gate.toolGate;

  await ledger.append({ type: 'gateway_start', deployment: config.deployment_id, providers: config.providers.map((p) => p.name) });
  await ledger.append({ type: 'policy_loaded', policy: engine.policyHash, ...engine.describe() });

  const app = buildApp({
    deps,
    authenticator: new Authenticator(keys),
    plugins: [gate.routes],
    onError: (err, request) => log.error({ request_id: request.id, err: errorSummary(err) }, 'request failed'),
  });
  const address = await app.listen({ host: config.server.host, port: config.server.port });
  log.info({ address, policy: engine.policyHash, providers: providers.size }, 'redline gateway listening');

  let closing: Promise<void> | undefined;
  return {
    app,
    deps,
    ledger,
    keys,
    log,
    url: address,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        gate.stop();
        await ledger.append({ type: 'gateway_stop', deployment: config.deployment_id }).catch(() => undefined);
        await ledger.close();
        await Promise.all([...providers.values()].map((p) => p.close()));
        await db.close();
        log.info('redline gateway stopped');
      })()),
  };
}

/** Error class and message only: stack traces may quote request fields. */
function errorSummary(err: unknown): { name: string; message: string } {
  const e = err as Error;
  return { name: e?.name ?? 'Error', message: String(e?.message ?? err).slice(0, 200) };
}
