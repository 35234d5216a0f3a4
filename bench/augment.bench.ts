/**
 * Augmentation throughput: verified lift-bar demonstrations per second on 2 worker threads
 * (simulation, IK, 10 Hz point clouds and Zarr writes included), measured on ~20 demos and
 * extrapolated to the goal of 100 demos in ≤ 2 minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { augment } from '../augment/index.ts';
import { getTask, nominalScene } from '../sim/index.ts';

export default async function bench(): Promise<void> {
  const task = getTask('lift-bar');
  const program = task.scripted(nominalScene(task));
  const dir = mkdtempSync(join(tmpdir(), 'yoto-augment-bench-'));
  try {
    const n = 20;
    const cpu0 = process.cpuUsage();
    const s = await augment({ task: 'lift-bar', program, episodes: n, out: join(dir, 'ds'), workers: 2, seed: 0 });
    const cpu = process.cpuUsage(cpu0);
    const cpuPerDemo = (cpu.user + cpu.system) / 1e6 / s.kept;
    const per100 = 100 / s.demos_per_s;
    console.log(`lift-bar, 2 workers: ${s.kept} demos kept of ${s.tried} tried (${(s.kept_ratio * 100).toFixed(0)}%), ${s.frames} frames, ${s.wall_s.toFixed(1)} s (worker start-up included)`);
    console.log(`  ${s.demos_per_s.toFixed(2)} demos/s → 100 demos in ~${per100.toFixed(0)} s (goal ≤ 120 s)`);
    // CPU time (all threads) is steadier than wall time on a shared machine: two idle cores give ≈ 2 CPU-seconds per second.
    console.log(`  ${cpuPerDemo.toFixed(2)} CPU-s per demo → 100 demos on 2 idle cores in ~${((100 * cpuPerDemo) / 2).toFixed(0)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
