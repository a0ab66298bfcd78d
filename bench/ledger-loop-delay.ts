/**
 * Event-loop delay of a gateway-like process while its SQLite ledger takes a steady stream of
 * appends (default 3,000/s for 10 s, synchronous=full): the commits, fsyncs and checkpoints must
 * not stall the loop that serves requests.
 *
 *   node dist/bench/ledger-loop-delay.js [--rate 3000] [--seconds 10] [--synchronous full|normal]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { parseConfig } from '../src/config/load.js';
import { openLedger } from '../src/ledger/index.js';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '3000' }, seconds: { type: 'string', default: '10' }, synchronous: { type: 'string', default: 'full' } } });
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const dir = mkdtempSync(join(tmpdir(), 'redline-loop-'));
const config = parseConfig({ data_dir: dir, storage: { sqlite: join(dir, 'ledger.db') }, ledger: { synchronous: values.synchronous } }, 'bench');
const ledger = await openLedger(config);
const event = (i: number) => ({
  type: 'decision' as const,
  request_id: `req-${i}`,
  decision: 'allow',
  outcome: 'forwarded',
  input: { decision: 'allow', categories: [], rules: [], stages: ['normalise', 'rules', 'classifier'], micros: 70 },
  content: { prompt: 'p'.repeat(1000), response: 'r'.repeat(200) },
});

const histogram = monitorEventLoopDelay({ resolution: 1 });
const appendMs: number[] = [];
let sent = 0;
const pending: Array<Promise<unknown>> = [];
histogram.enable();
const started = performance.now();
// Every millisecond, top up to the number of appends due by now (a steady rate, like requests).
await new Promise<void>((done) => {
  const tick = setInterval(() => {
    const due = Math.min(rate * seconds, Math.floor(((performance.now() - started) / 1000) * rate));
    for (; sent < due; sent++) {
      const t = performance.now();
      pending.push(ledger.append(event(sent)).then(() => appendMs.push(performance.now() - t)));
    }
    if (sent >= rate * seconds) clearInterval(tick), done();
  }, 1);
});
await Promise.all(pending);
histogram.disable();
await ledger.close();
rmSync(dir, { recursive: true, force: true });
appendMs.sort((a, b) => a - b);
const ms = (ns: number) => (ns / 1e6).toFixed(2);
const q = (p: number) => appendMs[Math.min(appendMs.length - 1, Math.floor(appendMs.length * p))]!.toFixed(2);
console.log(
  `${sent} appends at ${rate}/s, synchronous=${values.synchronous}: event-loop delay p50 ${ms(histogram.percentile(50))} ms, p99 ${ms(histogram.percentile(99))} ms, max ${ms(histogram.max)} ms; append latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
);
