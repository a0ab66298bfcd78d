import type { FastifyInstance } from 'fastify';
import type { RedlineConfig } from '../config/schema.js';
import { ApprovalService, createToolGate as gateFor, ed25519Signer } from '../gate/index.js';
import { loadDecryptionKey, loadSigningKey, type Ledger } from '../ledger/index.js';
import type { ToolGate } from '../pipeline/types.js';
import type { PolicyEngine } from '../policy/types.js';
import { approvalRoutes } from '../server/approvals.js';
import type { Db } from '../storage/database.js';

/** Wires the approval gate: its service (signed with the gateway's ledger key), the pipeline hook and the routes. */
export async function createToolGate(
  config: RedlineConfig,
  db: Db,
  engine: PolicyEngine,
  ledger: Ledger,
): Promise<{ toolGate: ToolGate; routes: (app: FastifyInstance) => Promise<void>; stop: () => void }> {
  const service = await ApprovalService.open({
    db,
    signer: ed25519Signer(await loadSigningKey(config)),
    recorder: ledger,
    ttlSeconds: config.approvals.ttl_seconds,
    // Held responses are classified: encrypted at rest with the deployment's content key.
    contentKey: loadDecryptionKey(config),
  });
  const stop = service.startSweeper();
  return {
    toolGate: gateFor({ service, engine, approvals: config.approvals }),
    routes: async (app) => app.register(approvalRoutes, { service }),
    stop,
  };
}
