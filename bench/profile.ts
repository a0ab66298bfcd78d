/**
 * Profile Redline under load (c=32 unless told) with `node --cpu-prof` and summarise where the CPU goes: self
 * time per function (file:function) and inclusive time of Redline's own functions. The raw
 * .cpuprofile is kept in bench/results/profile/ (open it in Chrome DevTools or speedscope for a
 * flame graph); it is not committed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { LoadResult, LoadSpec } from './load.js';
import { chatBody } from './prompt.js';
import { runJson } from './processes.js';
import { redline, REPO_ROOT, type Upstreams } from './systems.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Hotspot {
  where: string;
  percent: number;
}
export interface ProfileSummary {
  connections: number;
  /** The main thread's profile (the event loop). */
  file: string;
  rps: number;
  /** Self time, share of non-idle CPU samples. */
  top: Hotspot[];
  /** Inclusive time of functions in Redline's own code (src/), share of non-idle samples. */
  redlineInclusive: Hotspot[];
  /** Self time grouped by package / area. */
  byArea: Hotspot[];
  /** Worker threads (the SQLite ledger writer): self time, share of that thread's non-idle samples. */
  workers: Array<{ file: string; top: Hotspot[] }>;
}

function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name.startsWith('RegExp: ') ? `${name.slice(0, 60)}…` : name;
  const path = url.startsWith('file://') ? relative(REPO_ROOT, new URL(url).pathname) : url;
  return `${path}:${lineNumber + 1}:${name}`;
}

function area(node: ProfileNode): string {
  const url = node.callFrame.url;
  // No url: (garbage collector), (program), native code, and regular expressions (detect/rules).
  if (!url) return node.callFrame.functionName.startsWith('RegExp: ') ? 'RegExp (all)' : node.callFrame.functionName;
  if (url.startsWith('node:')) return 'node internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const s = /dist\/(src\/[^/]+)\//.exec(url);
  return s ? s[1]! : url;
}

export function summarise(profile: CpuProfile, limit = 20): Pick<ProfileSummary, 'top' | 'redlineInclusive' | 'byArea'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const areas = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    self.set(where(node), (self.get(where(node)) ?? 0) + dt);
    areas.set(area(node), (areas.get(area(node)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      if (!n.callFrame.url.includes('/dist/src/')) continue;
      const k = where(n);
      if (!seen.has(k)) seen.add(k), inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([k, v]) => ({ where: k, percent: (100 * v) / total }));
  return { top: top(self), redlineInclusive: top(inclusive), byArea: top(areas) };
}

export async function profileRedline(up: Upstreams, durationSec: number, configOverrides?: Record<string, unknown>, connections = 32, nodeOptions?: string): Promise<ProfileSummary> {
  const dir = join(REPO_ROOT, 'bench', 'results', 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t = await redline(up, { nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir], nodeOptions, configOverrides });
  let rps: number;
  try {
    const spec: LoadSpec = { url: t.url, headers: t.headers, body: chatBody(false), connections, durationSec, warmupSec: 2 };
    rps = (await runJson<LoadResult>(join(REPO_ROOT, 'dist', 'bench', 'load.js'), [JSON.stringify(spec)])).rps;
  } finally {
    await t.stop(); // SIGTERM: the gateway exits cleanly, and node writes the profile on exit
  }
  // One file per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile, thread 0 is the main thread.
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.split('.')[4] === '0');
  if (!main) throw new Error('no main-thread .cpuprofile written (did the gateway exit cleanly?)');
  const load = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
  const workers = files.filter((f) => f !== main).map((f) => ({ file: relative(REPO_ROOT, join(dir, f)), top: summarise(load(f), 10).top }));
  return { connections, file: relative(REPO_ROOT, join(dir, main)), rps, ...summarise(load(main)), workers };
}
