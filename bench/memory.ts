/**
 * Memory of a process under test, from /proc/<pid>/status (Linux): VmHWM is the kernel's own
 * peak-RSS watermark over the process lifetime, so no peak between samples is missed; VmRSS is
 * sampled too, to show the level under load.
 */
import { readFileSync } from 'node:fs';

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // not Linux, or the process has gone
  }
}

/** Resident set size now, in MB; null when unknown. */
export function rssNowMb(pid: number): number | null {
  const kb = statusKb(pid, 'VmRSS');
  return kb ? Math.round((kb / 1024) * 10) / 10 : null;
}

/**
 * CPU time the process has used so far (user + system), in ms, from /proc/<pid>/stat; fields 14
 * and 15 count clock ticks (USER_HZ, 100 on Linux).
 */
export function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the command name may contain spaces
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export class MemorySampler {
  private maxRssKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 200) {
    this.timer = setInterval(() => {
      this.maxRssKb = Math.max(this.maxRssKb, statusKb(pid, 'VmRSS') ?? 0);
    }, everyMs);
    this.timer.unref();
  }

  /** Stop sampling; call before the process exits. Values in MB (2^20 bytes). */
  stop(): { peakRssMb: number | null; maxSampledRssMb: number | null } {
    clearInterval(this.timer);
    const hwm = statusKb(this.pid, 'VmHWM');
    const mb = (kb: number | undefined) => (kb ? Math.round((kb / 1024) * 10) / 10 : null);
    return { peakRssMb: mb(hwm), maxSampledRssMb: mb(this.maxRssKb || undefined) };
  }
}
