/**
 * The moving part of a rendered scene: every geom's world pose at one instant, copied out of
 * MjData (whose views go stale when WASM memory grows, so nothing here points into it).
 */
import type { MjModel, MjData } from '../mujoco.ts';

/** Floats per geom in `poses`: position (3) then rotation, row-major 3×3 (9). */
export const POSE_STRIDE = 12;

export interface RenderFrame {
  /** Simulation time, seconds. */
  time: number;
  /**
   * For geom id g (all model geoms, drawn or not): poses[12g..12g+2] = geom_xpos,
   * poses[12g+3..12g+11] = geom_xmat (row-major; columns are the geom's axes in world).
   */
  poses: Float32Array;
}

/** Snapshot the geom poses of `data` (after mj_step / mj_forward / mj_kinematics). */
export function captureFrame(model: MjModel, data: MjData, time: number = data.time): RenderFrame {
  const n = model.ngeom;
  const xpos = data.geom_xpos as Float64Array;
  const xmat = data.geom_xmat as Float64Array;
  const poses = new Float32Array(n * POSE_STRIDE);
  for (let g = 0; g < n; g++) {
    const o = g * POSE_STRIDE;
    poses[o] = xpos[3 * g];
    poses[o + 1] = xpos[3 * g + 1];
    poses[o + 2] = xpos[3 * g + 2];
    for (let k = 0; k < 9; k++) poses[o + 3 + k] = xmat[9 * g + k];
  }
  return { time, poses };
}
