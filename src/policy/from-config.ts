import { loadConfig } from '../config/load.js';
import { createPolicyEngine } from './engine.js';
import type { PolicyEngine } from './types.js';

/** The policy engine for a CLI command: the config file if given, else the shipped defaults. */
export async function engineFromConfig(file?: string): Promise<PolicyEngine> {
  return createPolicyEngine(loadConfig(file));
}
