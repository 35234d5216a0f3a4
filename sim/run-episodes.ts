/**
 * Many episodes of one task: episode k uses placement seed `seed + k` (or one fixed scene), with
 * either the task's scripted program for that placement or one given program. This is what
 * `yoto sim run` does, as a library call.
 */
import { createHash } from 'node:crypto';
import type { Program } from '../core/program.ts';
import type { Scene } from '../core/scene.ts';
import { runEpisode, type EpisodeResult } from './episode.ts';
import { checkReachability } from './executor.ts';
import { sampleScene, validateScene } from './tasks/placement.ts';
import type { Task } from './tasks/task.ts';
import { World } from './world.ts';

export interface RunEpisodesOptions {
  task: Task;
  /** 'scripted' = the task's reference program for each placement. */
  program: Program | 'scripted';
  episodes: number;
  seed: number;
  /** A fixed placement for every episode instead of seeded ones. */
  scene?: Scene;
  /** Where the program came from, for error messages. */
  programSource?: string;
  onEpisode?: (k: number, result: EpisodeResult, scene: Scene) => void;
}

export interface RunSummary {
  task: string;
  episodes: number;
  successes: number;
  success_rate: number;
  steps_per_s: number;
  realtime_factor: number;
  sim_seconds: number;
  wall_seconds: number;
  /** SHA-256 over every episode's final physics state, in order. */
  state_hash: string;
  failures: { episode: number; seed?: number; reason: string }[];
}

export async function runEpisodes(o: RunEpisodesOptions): Promise<RunSummary> {
  const all = createHash('sha256');
  let successes = 0;
  let steps = 0;
  let simTime = 0;
  let wallMs = 0;
  const failures: RunSummary['failures'] = [];
  for (let k = 0; k < o.episodes; k++) {
    // Each episode runs synchronously for a second or more: let the event loop breathe between
    // them (signals, progress output, a test runner's heartbeat).
    await new Promise((r) => setImmediate(r));
    const scene = o.scene ?? sampleScene(o.task, o.seed + k);
    validateScene(o.task, scene, o.scene ? 'scene' : `placement seed ${o.seed + k}`);
    const program = o.program === 'scripted' ? o.task.scripted(scene) : o.program;
    const world = await World.create(o.task, scene);
    try {
      // A program that cannot be reached is bad input: say which keypose, before simulating.
      checkReachability(world, program, o.programSource ?? 'program');
      const r = await runEpisode(o.task, scene, program, { world });
      all.update(r.stateHash);
      if (r.success) successes++;
      else failures.push({ episode: k, seed: scene.seed, reason: r.failure ? `${r.failure.arm} arm at keypose ${r.failure.keypose}: ${r.failure.reason}` : r.completed ? 'task condition not met' : 'time limit reached' });
      steps += r.steps;
      simTime += r.simTime;
      wallMs += r.wallMs;
      o.onEpisode?.(k, r, scene);
    } finally {
      world.dispose();
    }
  }
  return {
    task: o.task.name,
    episodes: o.episodes,
    successes,
    success_rate: o.episodes ? successes / o.episodes : 0,
    steps_per_s: wallMs > 0 ? steps / (wallMs / 1000) : 0,
    realtime_factor: wallMs > 0 ? simTime / (wallMs / 1000) : 0,
    sim_seconds: simTime,
    wall_seconds: wallMs / 1000,
    state_hash: all.digest('hex'),
    failures,
  };
}
