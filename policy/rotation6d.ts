/**
 * The continuous 6-D rotation representation (Zhou et al. 2019, as Diffusion Policy uses): the
 * first two columns of the rotation matrix — the frame's x and y axes in world. Decoding
 * re-orthonormalises with Gram–Schmidt, so any 6 numbers give a valid rotation.
 */
import { cross, normalize, quatFromAxes, quatRotate, scale, sub, dot, type Quat, type Vec3 } from '../core/geometry.ts';

export function quatToRot6d(q: Quat): [number, number, number, number, number, number] {
  const x = quatRotate(q, [1, 0, 0]);
  const y = quatRotate(q, [0, 1, 0]);
  return [x[0], x[1], x[2], y[0], y[1], y[2]];
}

export function rot6dToQuat(r: ArrayLike<number>): Quat {
  const a: Vec3 = [r[0], r[1], r[2]];
  const b: Vec3 = [r[3], r[4], r[5]];
  const x = normalize(Math.hypot(...a) > 1e-9 ? a : [1, 0, 0]);
  let y = sub(b, scale(x, dot(x, b)));
  if (Math.hypot(...y) < 1e-9) y = Math.abs(x[0]) < 0.9 ? cross([1, 0, 0], x) : cross([0, 1, 0], x);
  y = normalize(y);
  return quatFromAxes(x, y, cross(x, y));
}
