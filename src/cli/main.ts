#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands.js';

/** `redline` CLI entry: one module per command under src/cli/, wired in commands.ts. */
const program = new Command()
  .name('redline')
  .description('Usage-policy gateway for AI model vendors: red lines enforced, human-approved effectors, verifiable ledger.')
  .version('0.1.0')
  .showHelpAfterError();

registerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`redline: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = process.exitCode || 1;
});
