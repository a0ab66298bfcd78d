/**
 * The detector alone: how many 1 KB prompts one core screens per second with the default policy
 * (no HTTP, no ledger). Prompts are dev-split rows concatenated to 1,024 characters, a mix of
 * allowed and blocked text, plus the benchmark's own allowed prompt.
 *
 *   node dist/bench/screen-rate.js [seconds]   → prints one JSON line
 */
import { join } from 'node:path';
import { readRows } from '../src/cli/eval.js';
import { parseConfig } from '../src/config/load.js';
import { createPolicyEngine } from '../src/policy/engine.js';
import { PROMPT } from './prompt.js';
import { REPO_ROOT } from './systems.js';

function prompts1KB(): string[] {
  const rows = readRows(join(REPO_ROOT, 'data', 'dev.jsonl'));
  const out = [PROMPT.padEnd(1024, ' Thank you.').slice(0, 1024)];
  for (let i = 0; i < rows.length; i++) {
    let p = rows[i]!.text;
    for (let j = i + 1; p.length < 1024; j++) p += ' ' + rows[j % rows.length]!.text;
    out.push(p.slice(0, 1024));
  }
  return out;
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const engine = await createPolicyEngine(parseConfig({}, '<bench>'));
  const prompts = prompts1KB();
  const screen = (i: number) => engine.evaluate([{ scope: 'input', text: prompts[i % prompts.length]! }]);
  for (let i = 0; i < 500; i++) screen(i); // JIT warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) for (let k = 0; k < 50; k++) screen(n++);
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({ prompts: prompts.length, screens: n, wallSec: wallS, cpuSec: cpuS, screensPerSecPerCore: n / cpuS, meanUs: (cpuS / n) * 1e6 })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`screen-rate: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
