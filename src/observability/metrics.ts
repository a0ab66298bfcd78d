import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. Labels are low-cardinality facts (API, provider, decision) — never content,
 * never tenant-supplied text, never keys.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'redline_requests_total',
    help: 'Chat requests by inbound API, provider and final decision',
    labelNames: ['api', 'provider', 'decision', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly screenSeconds = new Histogram({
    name: 'redline_screen_duration_seconds',
    help: 'Time spent in the policy engine per screen',
    labelNames: ['stage'] as const,
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1, 1],
    registers: [this.registry],
  });
  readonly upstreamSeconds = new Histogram({
    name: 'redline_upstream_duration_seconds',
    help: 'Upstream call time until response headers',
    labelNames: ['provider'] as const,
    buckets: [0.001, 0.005, 0.025, 0.1, 0.5, 1, 2.5, 10, 60],
    registers: [this.registry],
  });
  readonly upstreamErrors = new Counter({
    name: 'redline_upstream_errors_total',
    help: 'Upstream failures by provider and kind',
    labelNames: ['provider', 'kind'] as const,
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'redline_auth_failures_total',
    help: 'Requests refused for a missing or invalid gateway key',
    registers: [this.registry],
  });
  readonly approvalsHeld = new Counter({
    name: 'redline_effector_calls_held_total',
    help: 'Effector tool calls withheld for human approval',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'redline_process_' });
  }
}
