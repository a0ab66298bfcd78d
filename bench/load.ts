/**
 * Load generator, run as its own process so it does not share an event loop with the system under
 * test: autocannon's programmatic API, plus a `response` listener that keeps every latency at full
 * precision (autocannon's histogram rounds to whole milliseconds, too coarse for sub-ms overheads).
 *
 *   node dist/bench/load.js '<json LoadSpec>'   → prints one JSON LoadResult line
 */
import autocannon from 'autocannon';
import { cpuMs } from './memory.js';
import { Samples, summarise, type LatencySummary } from './stats.js';

export interface LoadSpec {
  url: string;
  /** POST unless told (GET for /healthz in the latency breakdown). */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  durationSec: number;
  /** Unmeasured run first, so JIT, connection pools and caches are warm. */
  warmupSec: number;
  /** The gateway's pid: its CPU time over the measured run is reported per request. */
  pid?: number;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  requests: number;
  rps: number;
  latencyMs: LatencySummary;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Gateway CPU (user + system) per request over the measured run; absent without a pid. */
  cpuMsPerRequest?: number;
}

function run(spec: LoadSpec, durationSec: number, samples?: Samples): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method ?? 'POST',
        headers: spec.body === undefined ? spec.headers : { 'content-type': 'application/json', ...spec.headers },
        body: spec.body,
        connections: spec.connections,
        duration: durationSec,
        timeout: 10,
      },
      (err, result) => {
        if (err) return reject(err);
        const statusCodes: Record<string, number> = {};
        for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = count;
        resolve({
          connections: spec.connections,
          durationSec: result.duration,
          requests: result.requests.total,
          rps: result.requests.total / result.duration,
          latencyMs: summarise(samples?.values() ?? new Float64Array()),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    if (samples) instance.on('response', (_client, status, _bytes, ms) => status < 300 && samples.push(ms));
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  if (spec.warmupSec > 0) await run(spec, spec.warmupSec);
  const cpu0 = spec.pid ? cpuMs(spec.pid) : undefined;
  const result = await run(spec, spec.durationSec, new Samples());
  const cpu1 = spec.pid ? cpuMs(spec.pid) : undefined;
  if (cpu0 !== undefined && cpu1 !== undefined && result.requests) result.cpuMsPerRequest = (cpu1 - cpu0) / result.requests;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
