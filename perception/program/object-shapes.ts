/**
 * Where the task's objects are and how far a point is from their surfaces, for deciding which
 * object a grasp acts on. Shapes come from the task's MuJoCo model at the demonstration's
 * placement (every geom of the object's body and its child bodies, e.g. a drawer and its handle).
 */
import { cross, quatAngle, quatFromAxes, quatMul, quatRotate, sub, transformPoint, poseInverse, type Pose, type Quat, type Vec3 } from '../../core/geometry.ts';
import { mat3ToQuat } from '../../core/geometry.ts';
import type { World } from '../../sim/index.ts';

export interface ShapeGeom {
  type: 'box' | 'sphere' | 'capsule' | 'cylinder' | 'other';
  size: Vec3;
  /** Geom pose in the object's frame. */
  local: Pose;
}

export interface ObjectShape {
  name: string;
  /** Object pose at the placement (world). */
  pose: Pose;
  geoms: ShapeGeom[];
}

const TYPES: Record<number, ShapeGeom['type']> = { 2: 'sphere', 3: 'capsule', 5: 'cylinder', 6: 'box' };

/** Shapes of every task object in `world` (at its current state). */
export function objectShapes(world: World): ObjectShape[] {
  const m = world.model;
  const d = world.data;
  const parent = m.body_parentid as Int32Array;
  const geomBody = m.geom_bodyid as Int32Array;
  const geomType = m.geom_type as Int32Array;
  const geomSize = m.geom_size as Float64Array;
  const xpos = d.geom_xpos as Float64Array;
  const xmat = d.geom_xmat as Float64Array;
  return world.task.objects.map((o) => {
    const root = world.bodyId(o.name);
    const pose = world.bodyPose(o.name);
    const inv = poseInverse(pose);
    const inTree = (b: number): boolean => b === root || (b > 0 && inTree(parent[b]));
    const geoms: ShapeGeom[] = [];
    for (let g = 0; g < m.ngeom; g++) {
      if (!inTree(geomBody[g])) continue;
      const gp: Pose = { position: [xpos[3 * g], xpos[3 * g + 1], xpos[3 * g + 2]], quaternion: mat3ToQuat(xmat.subarray(9 * g, 9 * g + 9)) };
      geoms.push({
        type: TYPES[geomType[g]] ?? 'other',
        size: [geomSize[3 * g], geomSize[3 * g + 1], geomSize[3 * g + 2]],
        local: { position: transformPoint(inv, gp.position), quaternion: quatMul(inv.quaternion, gp.quaternion) },
      });
    }
    return { name: o.name, pose, geoms };
  });
}

/** Signed distance (m) from a point to one geom's surface (negative inside). */
function geomDistance(g: ShapeGeom, objectPose: Pose, p: Vec3): number {
  const world: Pose = { position: transformPoint(objectPose, g.local.position), quaternion: quatMul(objectPose.quaternion, g.local.quaternion) };
  const inv = poseInverse(world);
  const q = transformPoint(inv, p);
  const [s0, s1, s2] = g.size;
  switch (g.type) {
    case 'sphere':
      return Math.hypot(...q) - s0;
    case 'capsule': {
      const z = Math.max(-s1, Math.min(s1, q[2]));
      return Math.hypot(q[0], q[1], q[2] - z) - s0;
    }
    case 'cylinder': {
      const dr = Math.hypot(q[0], q[1]) - s0;
      const dz = Math.abs(q[2]) - s1;
      return Math.min(Math.max(dr, dz), 0) + Math.hypot(Math.max(dr, 0), Math.max(dz, 0));
    }
    case 'box': {
      const d = [Math.abs(q[0]) - s0, Math.abs(q[1]) - s1, Math.abs(q[2]) - s2];
      return Math.min(Math.max(d[0], d[1], d[2]), 0) + Math.hypot(Math.max(d[0], 0), Math.max(d[1], 0), Math.max(d[2], 0));
    }
    default:
      return Math.hypot(...q) - Math.max(s0, s1, s2);
  }
}

/** Distance from `p` to an object's nearest surface, with the object at `pose`. */
export function distanceToObject(shape: ObjectShape, pose: Pose, p: Vec3): number {
  let best = Infinity;
  for (const g of shape.geoms) best = Math.min(best, geomDistance(g, pose, p));
  return best;
}

/** The object's geom whose surface is nearest to `p`, and that distance (m). */
function nearestGeom(shape: ObjectShape, pose: Pose, p: Vec3): { geom?: ShapeGeom; distance: number } {
  let geom: ShapeGeom | undefined;
  let distance = Infinity;
  for (const g of shape.geoms) {
    const d = geomDistance(g, pose, p);
    if (d < distance) {
      distance = d;
      geom = g;
    }
  }
  return { geom, distance };
}

/**
 * A parallel gripper centres what it grasps between its fingers: the shift (m) along the
 * gripper's closing axis (x) that puts the object's geom nearest to the gripper midway between
 * the fingers. The fingers close on the pair of faces the closing axis is most nearly normal to
 * (a box), or across the axis (a capsule or cylinder), so only the offset across those is
 * centred: offsets along a bar's length or the grasp's depth are none of the closing's business,
 * and a closing axis a few degrees off would otherwise turn them into centimetres of shift.
 * 0 when that geom is too wide along the closing axis to be centred by closing (a bar grasped
 * along its length, a wall) or the shift would exceed `max`.
 */
export function closingCentring(shape: ObjectShape, pose: Pose, gripper: Pose, max: number, maxHalfWidth = 0.05): number {
  if (max <= 0) return 0;
  const { geom: best, distance: bestD } = nearestGeom(shape, pose, gripper.position);
  if (!best || bestD > 0.03) return 0;
  const geomPose: Pose = { position: transformPoint(pose, best.local.position), quaternion: quatMul(pose.quaternion, best.local.quaternion) };
  const inv = poseInverse(geomPose);
  const x = quatRotate(gripper.quaternion, [1, 0, 0]);
  const xl = quatRotate(inv.quaternion, x); // closing axis in the geom frame
  const pl = transformPoint(inv, gripper.position); // gripper in the geom frame
  const [s0, s1, s2] = best.size;
  let d: number;
  let half: number;
  if (best.type === 'box') {
    const a = [0, 1, 2].reduce((i, j) => (Math.abs(xl[j]) > Math.abs(xl[i]) ? j : i), 0);
    half = best.size[a] / Math.abs(xl[a]);
    d = -pl[a] / xl[a];
  } else if (best.type === 'capsule' || best.type === 'cylinder') {
    // Across the axis (local z): the shift that brings the closing line nearest the axis.
    const across = xl[0] * xl[0] + xl[1] * xl[1];
    if (across < 0.25) return 0; // closing mostly along the axis
    half = s0 / Math.sqrt(across);
    d = -(pl[0] * xl[0] + pl[1] * xl[1]) / across;
  } else {
    half = best.type === 'sphere' ? s0 : Math.max(s0, s1, s2);
    d = -(pl[0] * xl[0] + pl[1] * xl[1] + pl[2] * xl[2]);
  }
  if (half > maxHalfWidth) return 0;
  return Math.abs(d) <= max ? d : 0;
}

/**
 * A parallel gripper closing on a box squares it up between its fingers, so a box is grasped
 * face-on: the gripper orientation nearest to `gripper`'s whose closing (x) and approach (z) axes
 * both lie along axes of the box geom nearest to the gripper. null when no box is within 3 cm, or
 * the nearest face-on orientation is more than `maxAngle` (rad) away (a grasp across an edge on
 * purpose, not a few degrees of tracking error).
 */
export function faceAlignedOrientation(shape: ObjectShape, pose: Pose, gripper: Pose, maxAngle: number): Quat | null {
  if (maxAngle <= 0) return null;
  const { geom: best, distance: bestD } = nearestGeom(shape, pose, gripper.position);
  if (!best || best.type !== 'box' || bestD > 0.03) return null;
  const gq = quatMul(pose.quaternion, best.local.quaternion);
  const axes = ([[1, 0, 0], [0, 1, 0], [0, 0, 1]] as Vec3[]).map((e) => quatRotate(gq, e));
  let out: Quat | null = null;
  let angle = maxAngle;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      if (i === j) continue;
      for (const sx of [1, -1])
        for (const sz of [1, -1]) {
          const x: Vec3 = [sx * axes[i][0], sx * axes[i][1], sx * axes[i][2]];
          const z: Vec3 = [sz * axes[j][0], sz * axes[j][1], sz * axes[j][2]];
          const q = quatFromAxes(x, cross(z, x), z);
          const a = quatAngle(q, gripper.quaternion);
          if (a <= angle) {
            angle = a;
            out = q;
          }
        }
    }
  return out;
}

/** Offset of a point from an object origin, in the object frame (for carrying it rigidly). */
export const inObjectFrame = (pose: Pose, p: Vec3): Vec3 => quatRotate([-pose.quaternion[0], -pose.quaternion[1], -pose.quaternion[2], pose.quaternion[3]], sub(p, pose.position));
