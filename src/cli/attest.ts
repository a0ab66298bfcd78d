import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { buildAttestation, type Attestation } from '../ledger/attestation.js';
import { verifyAttestation } from '../ledger/attestation-verify.js';
import { openLedger } from '../ledger/index.js';
import { parsePublicKey } from '../ledger/public-key.js';

/** `redline attest --from --to --out` and `redline attest verify FILE --public-key KEY`. */
export function register(program: Command): void {
  const attest = program
    .command('attest')
    .description('write a signed, content-free attestation for a period (or `attest verify` one)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--from <time>', 'period start, ISO 8601 (inclusive)')
    .option('--to <time>', 'period end, ISO 8601 (exclusive)')
    .option('--out <file>', 'where to write the attestation (JSON)')
    .option('--include-tenants', 'add counts per tenant (tenant names are left out by default)')
    .action(async (opts: { config?: string; from?: string; to?: string; out?: string; includeTenants?: boolean }) => {
      if (!opts.from || !opts.to || !opts.out) throw new Error('attest needs --from, --to and --out');
      const config = loadConfig(opts.config);
      const ledger = await openLedger(config, { nodeId: 'attest' });
      try {
        const a = await buildAttestation(ledger.store, ledger.key, {
          from: opts.from,
          to: opts.to,
          deploymentId: config.deployment_id,
          includeTenants: opts.includeTenants,
          head: () => ledger.head(),
        });
        writeFileSync(opts.out, JSON.stringify(a, null, 2) + '\n');
        process.stdout.write(
          `wrote ${opts.out}: ${a.records.count} records, tree ${a.tree_heads.start.tree_size} → ${a.tree_heads.end.tree_size}, key ${a.key_id}\n`,
        );
      } finally {
        await ledger.close();
      }
    });

  attest
    .command('verify <file>')
    .description('verify an attestation standalone (no database): signature, tree heads, consistency proof')
    .requiredOption('--public-key <key>', "the gateway's public key: PEM file, PEM, or raw base64")
    .action(async (file: string, opts: { publicKey: string }) => {
      let a: Attestation;
      try {
        a = JSON.parse(readFileSync(file, 'utf8')) as Attestation;
      } catch (err) {
        throw new Error(`cannot read attestation ${file}: ${(err as Error).message}`);
      }
      const failures = verifyAttestation(a, parsePublicKey(opts.publicKey));
      if (failures.length) {
        for (const f of failures) process.stderr.write(`${f}\n`);
        process.stderr.write(`FAILED: ${file} does not verify\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(
        `OK: ${file} verifies — deployment ${a.deployment_id}, ${a.period.from} → ${a.period.to}, ${a.records.count} records, key ${a.key_id}\n`,
      );
    });
}
