import type { RouteSettings } from '../config/schema.js';
import type { Provider } from '../providers/types.js';
import { GatewayError } from '../server/errors.js';

export interface Route {
  provider: Provider;
  /** The model name to send upstream. */
  upstreamModel: string;
}

/** Stage: pick the upstream for a model name; first matching route wins, like a routing table. */
export class Router {
  private readonly table: Array<{ pattern: RegExp; provider: Provider; upstreamModel?: string }>;

  constructor(routes: RouteSettings[], providers: Map<string, Provider>) {
    this.table = routes.map((r) => {
      const provider = providers.get(r.provider);
      if (!provider) throw new Error(`route for "${r.model}" names unknown provider "${r.provider}"`);
      return { pattern: globToRegExp(r.model), provider, upstreamModel: r.upstream_model };
    });
  }

  resolve(model: string): Route {
    for (const entry of this.table) {
      if (entry.pattern.test(model)) return { provider: entry.provider, upstreamModel: entry.upstreamModel ?? model };
    }
    throw new GatewayError(404, 'invalid_request_error', `no route for model "${model}"`, 'model_not_found', 'model');
  }

  /** Every provider reachable through a route, once each. */
  providers(): Provider[] {
    return [...new Set(this.table.map((e) => e.provider))];
  }
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
