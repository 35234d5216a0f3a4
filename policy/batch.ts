/**
 * One DDPM training batch (what Policy.computeLoss takes): frames, point subsets, noise and
 * timesteps drawn from a seeded Rng, normalized as the network sees them. Program targets are
 * what is left of the program at the frame: keyposes an arm has passed are 0.
 */
import type { Rng } from '../core/rng.ts';
import { KEYPOSE_DIM } from './action-codec.ts';
import { addNoise, timestepEmbedding, type Schedule } from './diffusion.ts';
import { PROPRIO_DIM, selectPoints } from './observation.ts';
import type { TrainingData } from './training-data.ts';

export interface Batch {
  points: Float32Array;
  proprio: Float32Array;
  temb: Float32Array;
  noisy: Float32Array;
  eps: Float32Array;
  /** The clean normalized actions (the target when the network predicts x₀). */
  x0: Float32Array;
}

/** One training batch: frames, point subsets, noise and timesteps all from `rng`. */
export function makeBatch(d: TrainingData, schedule: Schedule, B: number, N: number, tembDim: number, rng: Rng): Batch {
  const A = d.actionDim;
  const points = new Float32Array(B * N * 3);
  const proprio = new Float32Array(B * PROPRIO_DIM);
  const x0 = new Float32Array(B * A);
  const eps = new Float32Array(B * A);
  const t = new Int32Array(B);
  const scratch = new Int32Array(d.cloudPoints);
  const frames = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const f = (frames[b] = rng.int(d.frames));
    selectPoints(d.clouds, f * d.cloudPoints * 3, d.cloudPoints, N, points, b * N * 3, rng, scratch);
    proprio.set(d.proprio.subarray(f * PROPRIO_DIM, (f + 1) * PROPRIO_DIM), b * PROPRIO_DIM);
    const row = d.action === 'chunk' ? f : d.episodeOf[f];
    x0.set(d.actions.subarray(row * A, (row + 1) * A), b * A);
    t[b] = rng.int(schedule.betas.length);
    for (let j = 0; j < A; j++) eps[b * A + j] = rng.normal();
  }
  d.norm.points.normalize(points);
  d.norm.proprio.normalize(proprio);
  d.norm.action.normalize(x0);
  if (d.action === 'program') zeroPassedKeyposes(d, frames, x0);
  return { points, proprio, temb: timestepEmbedding(t, tembDim), noisy: addNoise(schedule, x0, eps, t, A), eps, x0 };
}

/** What is left of the program: keyposes an arm has passed are 0 (see training-data.ts). */
function zeroPassedKeyposes(d: TrainingData, frames: Int32Array, x0: Float32Array): void {
  const A = d.actionDim;
  const nl = d.template.arms.left.length;
  const nr = d.template.arms.right.length;
  for (let b = 0; b < frames.length; b++) {
    const f = frames[b];
    const passedL = Math.min(nl, d.keyposeIndex[2 * f]);
    const passedR = Math.min(nr, d.keyposeIndex[2 * f + 1]);
    x0.fill(0, b * A, b * A + KEYPOSE_DIM * passedL);
    x0.fill(0, b * A + KEYPOSE_DIM * nl, b * A + KEYPOSE_DIM * (nl + passedR));
  }
}
