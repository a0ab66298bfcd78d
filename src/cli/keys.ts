import type { Command } from 'commander';

// Placeholder until the 'keys' command lands; registers nothing.
export function register(_program: Command): void {}
