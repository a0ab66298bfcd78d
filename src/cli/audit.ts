import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { loadDecryptionKey } from '../ledger/content.js';
import { exportRecords } from '../ledger/export.js';
import { openLedger } from '../ledger/index.js';
import { parsePublicKey } from '../ledger/public-key.js';
import { keyIdOf, loadSigningKey } from '../ledger/signing-key.js';
import { openLedgerStore } from '../ledger/stores/open-store.js';
import type { SignedTreeHead } from '../ledger/tree-head.js';
import { verifyLedger } from '../ledger/verify.js';

/** `redline audit verify|prove|export`: check and read the tamper-evident ledger. */
export function register(program: Command): void {
  const audit = program.command('audit').description('verify the audit ledger, prove a request was recorded, export records');

  audit
    .command('verify')
    .description('recompute the Merkle tree and check every signed tree head; exits 1 naming each damaged position')
    .option('-c, --config <file>', 'YAML config file')
    .option('--public-key <key>', 'verify heads with this public key (PEM file, PEM, or raw base64) instead of the configured signing key')
    .option('--head <file...>', 'also check against tree heads kept outside the database: files from `audit head` or attestations (catches a log cut back with its newer heads deleted)')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { config?: string; publicKey?: string; head?: string[]; json?: boolean }) => {
      const config = loadConfig(opts.config);
      const publicKey = opts.publicKey ? parsePublicKey(opts.publicKey) : (await loadSigningKey(config)).publicKey;
      const kept = (opts.head ?? []).flatMap(readKeptHeads);
      const store = await openLedgerStore(config.storage);
      try {
        const report = await verifyLedger(store, publicKey, keyIdOf(publicKey), kept);
        if (opts.json) process.stdout.write(JSON.stringify(report) + '\n');
        if (report.ok) {
          if (!opts.json) {
            process.stdout.write(
              `OK: ${report.records} records and ${report.heads} signed tree heads verified` +
                (report.uncovered ? `; ${report.uncovered} newest records not yet covered by a tree head` : '') +
                '\n',
            );
          }
        } else {
          for (const p of report.problems) process.stderr.write(`position ${p.position}: ${p.message}\n`);
          process.stderr.write(`FAILED: the ledger does not verify (${report.problems.length} problem${report.problems.length > 1 ? 's' : ''})\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });

  audit
    .command('head')
    .description('print a signed tree head covering the whole log (JSON); keep it outside the database for `audit verify --head`')
    .option('-c, --config <file>', 'YAML config file')
    .action(async (opts: { config?: string }) => {
      const ledger = await openLedger(loadConfig(opts.config), { nodeId: 'cli' });
      try {
        process.stdout.write(JSON.stringify(await ledger.head()) + '\n');
      } finally {
        await ledger.close();
      }
    });

  audit
    .command('prove')
    .description("print an inclusion proof for a request's record against the latest signed tree head (JSON)")
    .option('-c, --config <file>', 'YAML config file')
    .requiredOption('--request <id>', 'request id')
    .action(async (opts: { config?: string; request: string }) => {
      const ledger = await openLedger(loadConfig(opts.config), { nodeId: 'cli' });
      try {
        const proofs = await ledger.prove(opts.request);
        if (proofs.length === 0) throw new Error(`no record for request ${opts.request}`);
        process.stdout.write(JSON.stringify(proofs.length === 1 ? proofs[0] : proofs, null, 2) + '\n');
      } finally {
        await ledger.close();
      }
    });

  audit
    .command('export')
    .description('records as JSON lines (content stays sealed unless --decrypt)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--from <time>', 'ISO 8601, inclusive')
    .option('--to <time>', 'ISO 8601, exclusive')
    .option('--decrypt', 'with ledger.content = encrypted: show the text (needs the content key)')
    .action(async (opts: { config?: string; from?: string; to?: string; decrypt?: boolean }) => {
      for (const t of [opts.from, opts.to]) if (t !== undefined && Number.isNaN(Date.parse(t))) throw new Error(`not an ISO 8601 time: ${t}`);
      const config = loadConfig(opts.config);
      // A reader that stops early (`| head`) is not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const store = await openLedgerStore(config.storage);
      try {
        const decryptWith = opts.decrypt ? loadDecryptionKey(config) : undefined;
        for await (const r of exportRecords(store, { from: opts.from, to: opts.to, decryptWith })) {
          if (!process.stdout.write(JSON.stringify(r) + '\n')) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      } finally {
        await store.close();
      }
    });
}

/** Tree heads in a file: one head (`audit head`), an attestation (its start and end heads), or JSON lines of heads. */
function readKeptHeads(file: string): SignedTreeHead[] {
  const text = readFileSync(file, 'utf8').trim();
  const values: unknown[] = [];
  try {
    values.push(JSON.parse(text));
  } catch {
    for (const line of text.split('\n')) if (line.trim()) values.push(JSON.parse(line));
  }
  return values.flatMap((v) => {
    const o = v as { tree_heads?: { start: SignedTreeHead; end: SignedTreeHead }; tree_size?: unknown; root_hash?: unknown };
    if (o.tree_heads) return [o.tree_heads.start, o.tree_heads.end];
    if (typeof o.tree_size === 'number' && typeof o.root_hash === 'string') return [o as SignedTreeHead];
    throw new Error(`${file}: not a signed tree head or an attestation`);
  });
}
