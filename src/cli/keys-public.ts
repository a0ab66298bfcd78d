import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { loadSigningKey } from '../ledger/signing-key.js';

/** `redline keys public`: the gateway's Ed25519 public key, for verifiers of tree heads and attestations. */
export function registerKeysPublic(keys: Command): void {
  keys
    .command('public')
    .description("print the gateway's public signing key (PEM) — give it to whoever verifies attestations")
    .option('-c, --config <file>', 'YAML config file')
    .option('--json', 'print {"key_id", "public_key"} instead of bare PEM')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const key = await loadSigningKey(loadConfig(opts.config));
      process.stdout.write(opts.json ? JSON.stringify({ key_id: key.keyId, public_key: key.publicKeyPem }) + '\n' : key.publicKeyPem);
    });
}
