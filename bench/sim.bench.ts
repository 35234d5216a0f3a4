/**
 * Simulator speed: physics steps per second and the real-time factor for each task's scripted
 * program (control and IK included), on one core; and depth-camera capture on the workcell.
 */
import { DepthCamera, TASKS, World, getTask, runEpisodes, sampleScene } from '../sim/index.ts';

export default async function bench(): Promise<void> {
  // Warm up the WASM module and JIT so the first task is not penalised.
  await runEpisodes({ task: getTask('lift-bar'), program: 'scripted', episodes: 1, seed: 999 });
  console.log('task        episodes  success  steps/s  × real time  (goal ≥ 10×, one core, IK at 100 Hz included)');
  for (const task of Object.values(TASKS)) {
    const s = await runEpisodes({ task, program: 'scripted', episodes: 5, seed: 100 });
    console.log(`${task.name.padEnd(11)} ${String(s.episodes).padStart(8)}  ${`${s.successes}/${s.episodes}`.padStart(7)}  ${s.steps_per_s.toFixed(0).padStart(7)}  ${s.realtime_factor.toFixed(1).padStart(10)}×`);
  }

  const task = getTask('drawer');
  const world = await World.create(task, sampleScene(task, 0));
  try {
    world.step(100);
    for (const points of [512, 1024]) {
      const cam = new DepthCamera(world.mj, world.model, { points });
      cam.capture(world.data);
      const n = 20;
      const t0 = performance.now();
      let count = 0;
      for (let i = 0; i < n; i++) count = cam.capture(world.data, { seed: i }).count;
      const ms = (performance.now() - t0) / n;
      console.log(`point cloud on the drawer workcell: ${cam.config.width}×${cam.config.height} rays → ${count} points (${cam.config.downsample}): ${ms.toFixed(1)} ms/capture`);
    }
  } finally {
    world.dispose();
  }
}
