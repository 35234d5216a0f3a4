/**
 * CPU time used by this process and everything it started (Chromium's browser, renderer and GPU
 * processes, ffmpeg), by kind, from /proc (Linux). On a shared machine wall-clock rates depend on
 * what else runs; CPU-seconds per frame do not, so benches report both.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK = 100; // USER_HZ on Linux

function stat(pid: number): { ppid: number; cpu: number; kind: string } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(rest[1]);
    const cpu = (Number(rest[11]) + Number(rest[12])) / TICK;
    // Chromium rewrites its title, so arguments may be space-separated rather than NUL-separated.
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = cmd.find((a) => a.startsWith('--type='))?.slice(7);
    const exe = (cmd[0] ?? '').split('/').pop() ?? '';
    const kind = type ? `chromium ${type}` : exe.includes('chrom') ? 'chromium browser' : exe.includes('ffmpeg') ? 'ffmpeg' : pid === process.pid ? 'node' : exe;
    return { ppid, cpu, kind };
  } catch {
    return null;
  }
}

/** CPU-seconds by process kind for this process and its live descendants. */
export function processTreeCpu(): Record<string, number> {
  const all = new Map<number, { ppid: number; cpu: number; kind: string }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) all.set(Number(d), s);
  }
  const out: Record<string, number> = {};
  const mine = new Set<number>([process.pid]);
  // Parents have lower pids usually, but not always: iterate to a fixed point.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [pid, s] of all) {
      if (!mine.has(pid) && mine.has(s.ppid)) {
        mine.add(pid);
        changed = true;
      }
    }
  }
  for (const pid of mine) {
    const s = all.get(pid);
    if (s) out[s.kind] = (out[s.kind] ?? 0) + s.cpu;
  }
  return out;
}

/** Per-kind difference b − a (processes that ended in between are missing from b). */
export function cpuDelta(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(b)) out[k] = b[k] - (a[k] ?? 0);
  return out;
}
