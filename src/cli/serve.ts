import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { startGateway } from '../gateway/start.js';

/** `redline serve [--config FILE]`: run the gateway (embedded defaults without a config). */
export function register(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (without --config: 127.0.0.1:8787, SQLite under ./data, shipped default policy)')
    .option('-c, --config <file>', 'YAML config file')
    .option('-p, --port <port>', 'override server.port', (v) => Number.parseInt(v, 10))
    .action(async (opts: { config?: string; port?: number }) => {
      const config = loadConfig(opts.config);
      if (opts.port !== undefined) config.server.port = opts.port;
      const gateway = await startGateway(config);
      const stop = (signal: string) => {
        gateway.log.info({ signal }, 'shutting down');
        gateway.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
