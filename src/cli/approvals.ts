import type { Command } from 'commander';
import { ApprovalApiError, ApprovalsClient } from '../gate/http-client.js';
import type { ApprovalView } from '../gate/view.js';

/**
 * `redline approvals list|show|approve|deny`: the review queue, over HTTP against a running
 * gateway, with an operator key. Arguments of the calls under review are printed (the operator
 * must see what they approve) but never logged.
 */

interface ConnOpts {
  url: string;
  key?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8787';

function client(opts: ConnOpts): ApprovalsClient {
  const key = opts.key ?? process.env.REDLINE_API_KEY;
  if (!key) throw new Error('an operator key is needed: --key or REDLINE_API_KEY');
  return new ApprovalsClient(opts.url, key);
}

function line(a: ApprovalView): string {
  const cols = [a.id, a.status, a.tool_name, a.requester_key_id, a.created_at, a.status === 'approved' ? (a.approval_expires_at ?? '') : a.expires_at];
  if (a.arguments !== undefined) cols.push(a.arguments);
  return cols.join('\t');
}

const withConn = (cmd: Command) =>
  cmd
    .option('--url <url>', 'gateway base URL', DEFAULT_URL)
    .option('--key <key>', 'operator key (default: env REDLINE_API_KEY)')
    .option('--json', 'print JSON');

/** Where the command writes; tests pass their own. */
export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}
const stdio: CliIo = { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) };

/** Turn refusals into one clear line on stderr and a non-zero exit. */
async function run(io: CliIo, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ApprovalApiError) {
      io.err(`redline: refused (${e.status}${e.code ? ` ${e.code}` : ''}): ${e.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw e;
  }
}

const print = (io: CliIo, json: boolean | undefined, a: ApprovalView): void =>
  io.out(json ? `${JSON.stringify(a)}\n` : `${a.id}\t${a.status}\t${a.tool_name}\t${a.operator_key_id ?? ''}\t${a.reason ?? ''}\n`);

export function register(program: Command, io: CliIo = stdio): void {
  const approvals = program.command('approvals').description('review effector tool calls held for human approval (operator key)');

  withConn(approvals.command('list'))
    .description('list approvals of your tenant (id, status, tool, requester, created, expires, arguments)')
    .option('--status <status>', 'pending|approved|denied|expired|released', 'pending')
    .option('--all', 'every status')
    .action((opts: ConnOpts & { status: string; all?: boolean; json?: boolean }) =>
      run(io, async () => {
        const { data } = await client(opts).list(opts.all ? undefined : opts.status);
        for (const a of data) io.out(opts.json ? `${JSON.stringify(a)}\n` : `${line(a)}\n`);
      }),
    );

  withConn(approvals.command('show <id>'))
    .description('show one approval, with the exact call and its binding hash')
    .action((id: string, opts: ConnOpts & { json?: boolean }) =>
      run(io, async () => {
        const a = await client(opts).get(id);
        io.out(opts.json ? `${JSON.stringify(a)}\n` : `${JSON.stringify(a, null, 2)}\n`);
      }),
    );

  withConn(approvals.command('approve <id>'))
    .description('approve one held call; it is released once to the key that made the request')
    .requiredOption('--reason <text>', 'why (recorded in the ledger with your key id)')
    .option('--binding <hash>', 'binding hash you reviewed (from list/show); refused if the call differs')
    .action((id: string, opts: ConnOpts & { reason: string; binding?: string; json?: boolean }) =>
      run(io, async () => print(io, opts.json, await client(opts).approve(id, opts.reason, opts.binding))),
    );

  withConn(approvals.command('deny <id>'))
    .description('deny one held call; it is never released')
    .requiredOption('--reason <text>', 'why (recorded in the ledger with your key id)')
    .action((id: string, opts: ConnOpts & { reason: string; json?: boolean }) =>
      run(io, async () => print(io, opts.json, await client(opts).deny(id, opts.reason))),
    );
}
