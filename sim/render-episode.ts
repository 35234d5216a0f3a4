/**
 * Render an episode: run the program in the simulator, snapshot the geom poses at the video's
 * frame rate, then draw them with three.js in headless Chromium into a video (and some PNGs).
 */
import { join } from 'node:path';
import type { Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { runEpisode, type EpisodeResult } from './episode.ts';
import { checkReachability } from './executor.ts';
import { captureFrame, type RenderFrame } from './render/render-frame.ts';
import { describeScene } from './render/render-scene.ts';
import type { RenderCamera } from './render/render-camera.ts';
import { SceneRenderer } from './render/scene-renderer.ts';
import type { Task } from './tasks/task.ts';
import { World } from './world.ts';

export interface RenderEpisodeOptions {
  task: Task;
  scene: Scene;
  program: Program;
  outDir: string;
  camera: RenderCamera;
  fps?: number;
  width?: number;
  height?: number;
  /** Write every k-th frame as a PNG too (0 = none). */
  pngEvery?: number;
  programSource?: string;
  onStage?: (stage: string) => void;
}

export interface RenderEpisodeResult {
  episode: EpisodeResult;
  video: string;
  frames: number;
  pngs: string[];
}

export async function renderEpisode(o: RenderEpisodeOptions): Promise<RenderEpisodeResult> {
  const fps = o.fps ?? 30;
  const world = await World.create(o.task, o.scene);
  const frames: RenderFrame[] = [];
  let episode: EpisodeResult;
  let renderScene;
  try {
    checkReachability(world, o.program, o.programSource ?? 'program');
    o.onStage?.('simulating');
    renderScene = describeScene(world.mj, world.model);
    frames.push(captureFrame(world.model, world.data, 0));
    episode = await runEpisode(o.task, o.scene, o.program, {
      world,
      onControl: (w) => {
        if (w.time + 1e-9 >= frames.length / fps) frames.push(captureFrame(w.model, w.data, w.time));
      },
    });
  } finally {
    world.dispose();
  }
  o.onStage?.(`rendering ${frames.length} frames`);
  const renderer = await SceneRenderer.launch(renderScene, { width: o.width ?? 640, height: o.height ?? 480 });
  try {
    const video = join(o.outDir, 'episode.mp4');
    const res = await renderer.renderVideo(frames, o.camera, fps, video, { pngEvery: o.pngEvery ?? 15 });
    return { episode, video: res.path, frames: res.frames, pngs: res.pngs };
  } finally {
    await renderer.close();
  }
}

