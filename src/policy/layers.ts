import { readFileSync } from 'node:fs';
import type { RedlineConfig } from '../config/schema.js';
import { applyLayer, baseLayer, policyHash } from './merge.js';
import { readPolicyFile, type LoadedLayer } from './load.js';
import { shipped, userPath } from './paths.js';
import type { EffectivePolicy } from './schema.js';

/**
 * Loads the configured layers: the signed vendor red lines (verified against the vendor key),
 * then the deployment layer, then each tenant layer on top of both.
 */

export const DEFAULT_VENDOR_POLICY = shipped('policies', 'vendor-redlines.yaml');
export const DEFAULT_VENDOR_KEY = shipped('policies', 'vendor-redlines.pub');

export interface PolicyStack {
  layers: LoadedLayer[];
  effective: EffectivePolicy;
  hash: string;
  tenants: Map<string, { layer: LoadedLayer; effective: EffectivePolicy; hash: string }>;
}

export function loadPolicyStack(cfg: Pick<RedlineConfig, 'policy'>): PolicyStack {
  const vendorFile = cfg.policy.vendor ? userPath(cfg.policy.vendor) : DEFAULT_VENDOR_POLICY;
  const key = cfg.policy.vendor_public_key ?? readFileSync(DEFAULT_VENDOR_KEY, 'utf8');
  const vendor = readPolicyFile(vendorFile, { publicKey: key, layer: 'vendor' });
  const layers = [vendor];
  let effective = baseLayer(vendor.policy, 'vendor');
  if (cfg.policy.deployment) {
    const dep = readPolicyFile(userPath(cfg.policy.deployment), { layer: 'deployment' });
    effective = applyLayer(effective, dep.policy, 'deployment');
    layers.push(dep);
  }
  const tenants = new Map<string, { layer: LoadedLayer; effective: EffectivePolicy; hash: string }>();
  for (const [tenant, file] of Object.entries(cfg.policy.tenants ?? {})) {
    const layer = readPolicyFile(userPath(file), { layer: `tenant ${tenant}` });
    const eff = applyLayer(effective, layer.policy, `tenant ${tenant}`);
    tenants.set(tenant, { layer, effective: eff, hash: policyHash(eff) });
  }
  return { layers, effective, hash: policyHash(effective), tenants };
}
