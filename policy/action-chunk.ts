/**
 * BiDP's second action: Diffusion-Policy-style dense action chunks. One prediction is the next
 * `horizon` commanded TCP poses and gripper openings of both arms at the dataset's record rate
 * (`hz`); the first `execute` of them run before the policy observes again. Per step and arm
 * (left, then right): [gripper, x, y, z, 6-D rotation] — the keypose layout of action-codec.ts,
 * so both actions normalize and decode the same way.
 */
import type { Pose } from '../core/geometry.ts';
import { ARMS, type ArmName } from '../core/program.ts';
import { decodeKeypose, encodeKeypose, KEYPOSE_DIM } from './action-codec.ts';

/**
 * One commanded step of one arm: a TCP pose and a gripper opening (the shape sim's
 * WaypointFollower and a robot's follower take; policy/ does not import sim/).
 */
export interface ChunkWaypoint {
  pose: Pose;
  gripper: number;
}

/** A predicted chunk: per arm, `horizon` waypoints `1/hz` s apart. */
export type ActionChunk = Record<ArmName, ChunkWaypoint[]>;

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
    for (let j = 0; j < 2; j++) {
      const t = f * 14 + j * 7;
      encodeKeypose(steps, f * CHUNK_STEP_DIM + j * KEYPOSE_DIM, gripper[f * 2 + j], [tcp[t], tcp[t + 1], tcp[t + 2]], [tcp[t + 3], tcp[t + 4], tcp[t + 5], tcp[t + 6]]);
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
export function decodeChunk(v: ArrayLike<number>, horizon: number): ActionChunk {
  const out: ActionChunk = { left: [], right: [] };
  for (let k = 0; k < horizon; k++) {
    ARMS.forEach((a, j) => {
      const d = decodeKeypose(v, k * CHUNK_STEP_DIM + j * KEYPOSE_DIM);
      out[a].push({ gripper: d.gripper, pose: { position: d.position, quaternion: d.quaternion } });
    });
  }
  return out;
}
