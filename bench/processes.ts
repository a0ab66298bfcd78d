/**
 * Child processes of a benchmark run: each system under test and each load generator runs in its
 * own process. Output of services is kept only as a short tail, shown if startup fails (it holds
 * log lines, never prompt or response content: the stand-in logs nothing, the gateways log metadata).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Service {
  name: string;
  pid: number;
  port: number;
  child: ChildProcess;
  /** Last lines of stdout/stderr, for diagnosing a failed start. */
  tail(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A port that was free a moment ago (bind :0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
}

function keepTail(child: ChildProcess): () => string {
  const lines: string[] = [];
  const add = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 30));
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return () => lines.join('\n');
}

/** Spawn a long-running service and wait until it accepts TCP connections on `port`. */
export async function startService(
  name: string,
  command: string,
  args: string[],
  port: number,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<Service> {
  const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = keepTail(child);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const service: Service = {
    name,
    pid: child.pid!,
    port,
    child,
    tail,
    stop: async (graceMs = 5_000) => {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(killer);
    },
  };
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  while (!(await portOpen(port))) {
    if (exited) throw new Error(`${name} exited during startup:\n${tail()}`);
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${name} did not listen on ${port} in time:\n${tail()}`);
    }
    await sleep(100);
  }
  return service;
}

/** Run a command to completion and return its stdout (for one-shot CLI calls such as `keys create`). */
export function runText(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${args[0] ?? ''} exited ${code}: ${err.trim()}`))));
  });
}

/** Run a node script to completion and parse the JSON on the last line of its stdout. */
export async function runJson<T>(script: string, args: string[], nodeFlags: string[] = []): Promise<T> {
  const out = await runText(process.execPath, [...nodeFlags, script, ...args]);
  const last = out.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${script}: no JSON result on its last line`);
  }
}
