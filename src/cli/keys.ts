import type { Command } from 'commander';
import { KeyStore } from '../auth/key-store.js';
import type { KeyRole } from '../auth/types.js';
import { loadConfig } from '../config/load.js';
import type { RedlineConfig } from '../config/schema.js';
import { openLedger } from '../ledger/index.js';
import { openDatabase } from '../storage/database.js';
import { registerKeysPublic } from './keys-public.js';

const ROLES: KeyRole[] = ['client', 'operator', 'admin'];

async function withKeys<T>(config: RedlineConfig, fn: (keys: KeyStore) => Promise<T>): Promise<T> {
  const db = await openDatabase(config.storage);
  try {
    return await fn(await KeyStore.open(db));
  } finally {
    await db.close();
  }
}

/** Key events go to the ledger like every administrative act (the secret never does). */
async function recordKeyEvent(config: RedlineConfig, event: Record<string, unknown> & { type: 'key_created' | 'key_revoked' }) {
  const ledger = await openLedger(config);
  try {
    await ledger.append(event);
  } finally {
    await ledger.close();
  }
}

/** `redline keys create|list|revoke|public`: gateway keys (only their hashes are stored). */
export function register(program: Command): void {
  const keys = program.command('keys').description('manage gateway keys and show the gateway public signing key');
  keys
    .command('create')
    .description('create a gateway key; the secret is printed once, as the last line of stdout')
    .option('-c, --config <file>', 'YAML config file')
    .requiredOption('--tenant <name>', 'tenant the key belongs to')
    .option('--role <role>', `one of ${ROLES.join('|')}`, 'client')
    .action(async (opts: { config?: string; tenant: string; role: string }) => {
      if (!ROLES.includes(opts.role as KeyRole)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(opts.tenant)) throw new Error('--tenant: 1-64 letters, digits, ".", "_" or "-"');
      const config = loadConfig(opts.config);
      const { info, secret } = await withKeys(config, (k) => k.create(opts.tenant, opts.role as KeyRole));
      await recordKeyEvent(config, { type: 'key_created', tenant: info.tenant, key_id: info.id, role: info.role });
      process.stdout.write(`created ${info.role} key ${info.id} for tenant ${info.tenant}\n${secret}\n`);
    });
  keys
    .command('list')
    .description('list keys (ids, tenants, roles; never secrets)')
    .option('-c, --config <file>', 'YAML config file')
    .option('--json', 'JSON lines')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const list = await withKeys(loadConfig(opts.config), (k) => k.list());
      for (const k of list) {
        process.stdout.write(
          opts.json ? `${JSON.stringify(k)}\n` : `${k.id}\t${k.tenant}\t${k.role}\t${k.createdAt}${k.revokedAt ? `\trevoked ${k.revokedAt}` : ''}\n`,
        );
      }
    });
  keys
    .command('revoke <id>')
    .description('revoke a key (takes effect on running gateways within 10 s)')
    .option('-c, --config <file>', 'YAML config file')
    .action(async (id: string, opts: { config?: string }) => {
      const config = loadConfig(opts.config);
      const revoked = await withKeys(config, (k) => k.revoke(id));
      if (!revoked) throw new Error(`no active key with id ${id}`);
      await recordKeyEvent(config, { type: 'key_revoked', key_id: id });
      process.stdout.write(`revoked ${id}\n`);
    });
  registerKeysPublic(keys);
}
