/**
 * BiDP's second action: Diffusion-Policy-style dense action chunks. One prediction is the next
 * `horizon` commanded TCP poses and gripper openings of both arms at the dataset's record rate
 * (`hz`); the first `execute` of them run before the policy observes again. Per step and arm
 * (left, then right): [gripper, x, y, z, 6-D rotation] — the keypose layout of action-codec.ts,
 * so both actions normalize and decode the same way.
 */
import { z } from 'zod';
import type { Quat } from '../core/geometry.ts';
import type { Waypoint } from '../sim/index.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import { quatToRot6d, rot6dToQuat } from './rotation6d.ts';
import { KEYPOSE_DIM } from './action-codec.ts';

export const ChunkSpecSchema = z.strictObject({
  /** Steps predicted at once (Diffusion Policy: 16). */
  horizon: z.number().int().min(2),
  /** Steps executed before re-observing (Diffusion Policy: 8). */
  execute: z.number().int().min(1),
  /** Steps per second of sim time (the dataset's record_hz). */
  hz: z.number().positive(),
});
export type ChunkSpec = z.infer<typeof ChunkSpecSchema>;

export const DEFAULT_CHUNK = { horizon: 16, execute: 8 } as const;

/** Numbers per chunk step: both arms' [gripper, position, 6-D rotation]. */
export const CHUNK_STEP_DIM = 2 * KEYPOSE_DIM;

export const chunkDim = (horizon: number): number => horizon * CHUNK_STEP_DIM;

/**
 * Per-frame targets from a dataset's commanded actions: row f holds frames f … f+horizon−1 of
 * f's episode, the last frame repeated past the episode's end (Diffusion Policy's edge padding).
 * `tcp` is frames × 2 × 7 (x, y, z, qx, qy, qz, qw), `gripper` frames × 2.
 */
export function chunkTargets(tcp: ArrayLike<number>, gripper: ArrayLike<number>, episodeEnds: ArrayLike<number>, horizon: number): Float32Array {
  const F = episodeEnds.length ? Number(episodeEnds[episodeEnds.length - 1]) : 0;
  // Each frame's step encoded once, then copied into the rows that include it.
  const steps = new Float32Array(F * CHUNK_STEP_DIM);
  for (let f = 0; f < F; f++) {
    let o = f * CHUNK_STEP_DIM;
    for (let j = 0; j < 2; j++) {
      const t = f * 14 + j * 7;
      steps[o++] = gripper[f * 2 + j];
      steps[o++] = tcp[t];
      steps[o++] = tcp[t + 1];
      steps[o++] = tcp[t + 2];
      for (const v of quatToRot6d([tcp[t + 3], tcp[t + 4], tcp[t + 5], tcp[t + 6]])) steps[o++] = v;
    }
  }
  const D = chunkDim(horizon);
  const out = new Float32Array(F * D);
  let start = 0;
  for (let e = 0; e < episodeEnds.length; e++) {
    const end = Number(episodeEnds[e]);
    for (let f = start; f < end; f++) {
      for (let k = 0; k < horizon; k++) {
        const src = Math.min(f + k, end - 1);
        out.set(steps.subarray(src * CHUNK_STEP_DIM, (src + 1) * CHUNK_STEP_DIM), f * D + k * CHUNK_STEP_DIM);
      }
    }
    start = end;
  }
  return out;
}

/** A predicted chunk (unnormalized) → per arm, `horizon` waypoints; openings clamped to [0, 1]. */
export function decodeChunk(v: ArrayLike<number>, horizon: number): Record<ArmName, Waypoint[]> {
  const out: Record<ArmName, Waypoint[]> = { left: [], right: [] };
  for (let k = 0; k < horizon; k++) {
    ARMS.forEach((a, j) => {
      const o = k * CHUNK_STEP_DIM + j * KEYPOSE_DIM;
      const quaternion: Quat = rot6dToQuat([v[o + 4], v[o + 5], v[o + 6], v[o + 7], v[o + 8], v[o + 9]]);
      out[a].push({ gripper: Math.min(1, Math.max(0, v[o])), pose: { position: [v[o + 1], v[o + 2], v[o + 3]], quaternion } });
    });
  }
  return out;
}
