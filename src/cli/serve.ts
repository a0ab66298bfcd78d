import type { Command } from 'commander';

// Placeholder until the 'serve' command lands; registers nothing.
export function register(_program: Command): void {}
