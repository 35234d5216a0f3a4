/**
 * Synthetic stereo demonstrations: simulating and posing the hands (everything but the images),
 * then rendering and encoding both views, for a short lift-bar clip at 640×480.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { getTask, sampleScene } from '../sim/index.ts';
import { buildDemonstration, synthesize } from '../synth/synthesize.ts';

export default async function (): Promise<void> {
  const task = getTask('lift-bar');
  const scene = sampleScene(task, 0);
  const program = task.scripted(scene);

  let t0 = performance.now();
  const demo = await buildDemonstration({ task, scene, program });
  const buildS = (performance.now() - t0) / 1000;
  console.log(`simulate + pose hands + truth, whole lift-bar episode: ${demo.frames.length} frames in ${buildS.toFixed(2)} s (${(demo.frames.length / buildS).toFixed(0)} frames/s)`);

  const frames = 30;
  const dir = mkdtempSync(join(tmpdir(), 'yoto-synth-bench-'));
  try {
    t0 = performance.now();
    let tRender = 0;
    await synthesize({ task, scene, program, outDir: dir, maxFrames: frames, onProgress: (done) => { if (done === 0) tRender = performance.now(); } });
    const total = (performance.now() - t0) / 1000;
    const render = (performance.now() - tRender) / 1000;
    console.log(`yoto synth, ${frames} frames (1 s of video): ${total.toFixed(1)} s end to end; rendering + VP9 encoding ${(frames / render).toFixed(2)} stereo pairs/s`);
    console.log(`load average during the run: ${loadavg()[0].toFixed(1)} (figures are noisy on a shared machine)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
