import type { Command } from 'commander';

// Placeholder until the 'approvals' command lands; registers nothing.
export function register(_program: Command): void {}
