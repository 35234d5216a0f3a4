/**
 * Regenerates the README's pictures: one frame of each task's scripted program, mid-execution,
 * rendered by the same three.js scene code as `yoto sim render`. Run: npx tsx scripts/render-docs.ts
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { World, captureFrame, describeScene, getTask, runEpisode, sampleScene, SceneRenderer, WORKCELL_CAMERAS } from '../sim/index.ts';
import type { RenderFrame } from '../sim/render/render-frame.ts';

/** The moment of each task worth showing (sim seconds, for placement seed 0). */
const MOMENTS: Record<string, { time: number; camera: keyof typeof WORKCELL_CAMERAS }> = {
  'lift-bar': { time: 6.5, camera: 'iso' },
  drawer: { time: 11.0, camera: 'iso' },
  handover: { time: 10.6, camera: 'iso' },
};

for (const [name, m] of Object.entries(MOMENTS)) {
  const task = getTask(name);
  const scene = sampleScene(task, 0);
  const world = await World.create(task, scene);
  let frame: RenderFrame | undefined;
  const renderScene = describeScene(world.mj, world.model);
  await runEpisode(task, scene, task.scripted(scene), {
    world,
    onControl: (w) => {
      if (!frame && w.time >= m.time) frame = captureFrame(w.model, w.data);
    },
  });
  world.dispose();
  if (!frame) throw new Error(`${name}: episode ended before ${m.time} s`);
  const r = await SceneRenderer.launch(renderScene, { width: 800, height: 600 });
  const path = join('docs', `${name}.png`);
  writeFileAtomic(path, await r.render(frame, WORKCELL_CAMERAS[m.camera]));
  await r.close();
  console.log(`wrote ${path}`);
}
