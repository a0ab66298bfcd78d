import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { judgeTool } from '../gate/withhold.js';
import { inputSegments } from '../pipeline/segments.js';
import type { PolicyEngine, Segment } from '../policy/types.js';
import { engineFromConfig } from '../policy/from-config.js';
import { parseOpenAIRequest } from '../providers/openai/request.js';

/**
 * `redline classify [--config FILE]`: JSON lines in ({"id","text"} or {"id","request": <OpenAI chat
 * body>}), one decision line out per input. A bad line yields an error line with its id; the run goes on.
 */
export function register(program: Command): void {
  program
    .command('classify')
    .description('screen JSON lines from stdin ({"id","text"} or {"id","request"}) and print one decision per line')
    .option('-c, --config <file>', 'gateway config (policy layers, detector model)')
    .option('--tenant <name>', 'apply this tenant layer')
    .action(async (opts: { config?: string; tenant?: string }) => {
      const engine = await engineFromConfig(opts.config);
      const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
      let n = 0;
      for await (const line of lines) {
        n++;
        if (!line.trim()) continue;
        let id: unknown = null;
        try {
          const input = JSON.parse(line) as { id?: unknown; text?: unknown; request?: unknown };
          id = input.id ?? null;
          let segments: Segment[];
          if (typeof input.text === 'string') segments = [{ scope: 'input', text: input.text }];
          else if (input.request !== undefined) segments = requestSegments(engine, input.request, opts.tenant);
          else throw new Error('line needs "text" (string) or "request" (OpenAI chat body)');
          const v = await engine.decide(segments, { tenant: opts.tenant });
          process.stdout.write(JSON.stringify({ id, decision: v.decision, categories: v.categories, rules: v.rules, policy: v.policy }) + '\n');
        } catch (err) {
          process.stdout.write(JSON.stringify({ id, line: n, error: (err as Error).message }) + '\n');
        }
      }
    });
}

/**
 * What the gateway screens of an OpenAI chat body: parsed by the same codec, and effector tools
 * (weapon actuators) left out, since the approval gate, not the red-line screen, decides their calls.
 */
function requestSegments(engine: PolicyEngine, body: unknown, tenant?: string): Segment[] {
  const req = parseOpenAIRequest(body);
  return inputSegments(req, (name) => judgeTool(name, req.tools, (t) => engine.classifyTool(t, { tenant })).effector);
}
