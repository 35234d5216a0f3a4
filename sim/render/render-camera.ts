/**
 * A pinhole camera for rendering, in the `world` frame (z up): where it is, what it looks at,
 * and its vertical field of view.
 */
import { z } from 'zod';
import type { Vec3 } from '../../core/geometry.ts';
import { Vec3Schema } from '../../core/program.ts';
import type { MjModel, MjData } from '../mujoco.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const RenderCameraSchema = z.strictObject({
  position: Vec3Schema,
  lookAt: Vec3Schema,
  /** Which way is up in the image; default world +z. */
  up: Vec3Schema.optional(),
  /** Vertical field of view, degrees. */
  fovy: finite.refine((v) => v > 0 && v < 180, 'must be in (0, 180) degrees'),
});
export type RenderCamera = z.infer<typeof RenderCameraSchema>;

/**
 * A camera on a sphere around `target`: azimuth measured from +x towards +y, elevation above the
 * horizontal (both degrees), as MuJoCo's free camera does.
 */
export function orbitCamera(target: Vec3, distance: number, azimuthDeg: number, elevationDeg: number, fovy = 45): RenderCamera {
  const az = (azimuthDeg * Math.PI) / 180;
  const el = (elevationDeg * Math.PI) / 180;
  return {
    position: [
      target[0] + distance * Math.cos(el) * Math.cos(az),
      target[1] + distance * Math.cos(el) * Math.sin(az),
      target[2] + distance * Math.sin(el),
    ],
    lookAt: [...target],
    fovy,
  };
}

/**
 * The view of camera `id` of the model (an MJCF <camera>), at the pose in `data` (after
 * mj_forward/mj_step). MuJoCo cameras look along their −z axis with +y up in the image.
 */
export function mujocoCamera(model: MjModel, data: MjData, id: number): RenderCamera {
  if (!(id >= 0 && id < model.ncam)) throw new Error(`mujocoCamera: no camera ${id} (the model has ${model.ncam})`);
  const p = data.cam_xpos as Float64Array;
  const m = data.cam_xmat as Float64Array;
  const position: Vec3 = [p[3 * id], p[3 * id + 1], p[3 * id + 2]];
  // Row-major: column k is the camera's k-th axis in world.
  const o = 9 * id;
  const back: Vec3 = [m[o + 2], m[o + 5], m[o + 8]];
  return {
    position,
    lookAt: [position[0] - back[0], position[1] - back[1], position[2] - back[2]],
    up: [m[o + 1], m[o + 4], m[o + 7]],
    fovy: (model.cam_fovy as Float64Array)[id],
  };
}
