/**
 * Gripper orientations used by the scripted programs. The TCP frame has z = approach direction
 * and x = closing direction (see sim/mjcf/arm.ts).
 */
import { cross, normalize, quatFromAxes, type Quat, type Vec3 } from '../../core/geometry.ts';

/** Gripper pointing straight down, fingers closing along the horizontal direction at angle `yaw`. */
export function topDown(yaw: number): Quat {
  const x: Vec3 = [Math.cos(yaw), Math.sin(yaw), 0];
  const z: Vec3 = [0, 0, -1];
  return quatFromAxes(x, cross(z, x), z);
}

/** Gripper pointing along `approach`, fingers closing along `closing` (made orthogonal to it). */
export function pointing(approach: Vec3, closing: Vec3): Quat {
  const z = normalize(approach);
  const x = normalize(cross(cross(z, closing), z));
  return quatFromAxes(x, cross(z, x), z);
}

/**
 * Fold a yaw into (−π/2, π/2]: a parallel gripper is symmetric under a half turn about its
 * approach axis, and a box's faces repeat every quarter turn, so the smallest wrist turn wins.
 */
export function foldYaw(yaw: number, period = Math.PI): number {
  let y = yaw % period;
  if (y > period / 2) y -= period;
  if (y <= -period / 2) y += period;
  return y;
}
