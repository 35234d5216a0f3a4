/**
 * BiDP's default action: the whole bimanual keypose program at once (YOTO's representation).
 * A program of the dataset's structure (keypose counts, names, sync labels, speeds, holds, objects
 * — everything but the numbers) becomes one vector: per arm (left, then right), per keypose,
 * [aperture, x, y, z, 6-D rotation]. Decoding puts predicted numbers back into that structure.
 */
import type { Quat } from '../core/geometry.ts';
import { ARMS, type Program } from '../core/program.ts';
import { quatToRot6d, rot6dToQuat } from './rotation6d.ts';

/** Numbers per keypose: aperture, position (3), 6-D rotation. */
export const KEYPOSE_DIM = 10;

export function actionDim(template: Program): number {
  return KEYPOSE_DIM * (template.arms.left.length + template.arms.right.length);
}

/** One keypose's (or chunk step's) KEYPOSE_DIM numbers at `o`. */
export function encodeKeypose(out: Float32Array, o: number, gripper: number, position: ArrayLike<number>, quaternion: Quat): void {
  out[o] = gripper;
  for (let i = 0; i < 3; i++) out[o + 1 + i] = position[i];
  quatToRot6d(quaternion).forEach((v, i) => (out[o + 4 + i] = v));
}

/** The KEYPOSE_DIM numbers at `o` back; the aperture clamped to [0, 1]. */
export function decodeKeypose(v: ArrayLike<number>, o: number): { gripper: number; position: [number, number, number]; quaternion: Quat } {
  return {
    gripper: Math.min(1, Math.max(0, v[o])),
    position: [v[o + 1], v[o + 2], v[o + 3]],
    quaternion: rot6dToQuat([v[o + 4], v[o + 5], v[o + 6], v[o + 7], v[o + 8], v[o + 9]]),
  };
}

export function encodeProgram(p: Program, out: Float32Array = new Float32Array(actionDim(p)), offset = 0): Float32Array {
  let o = offset;
  for (const a of ARMS) {
    for (const k of p.arms[a]) {
      encodeKeypose(out, o, k.gripper, k.position, k.quaternion);
      o += KEYPOSE_DIM;
    }
  }
  return out;
}

/** The template with the predicted numbers; apertures clamped to [0, 1]. */
export function decodeProgram(template: Program, v: ArrayLike<number>): Program {
  let o = 0;
  const arms = {} as Program['arms'];
  for (const a of ARMS) {
    arms[a] = template.arms[a].map((k) => {
      const d = decodeKeypose(v, o);
      o += KEYPOSE_DIM;
      return { ...k, ...d };
    });
  }
  return { ...template, arms };
}
