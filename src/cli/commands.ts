import type { Command } from 'commander';
import { register as serve } from './serve.js';
import { register as keys } from './keys.js';
import { register as classify } from './classify.js';
import { register as evaluate } from './eval.js';
import { register as audit } from './audit.js';
import { register as attest } from './attest.js';
import { register as approvals } from './approvals.js';

/** Each command module exports `register(program)`; the order here is the order in `--help`. */
export function registerCommands(program: Command): void {
  for (const register of [serve, keys, approvals, classify, evaluate, audit, attest]) register(program);
}
