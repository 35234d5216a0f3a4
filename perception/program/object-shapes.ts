/**
 * Where the task's objects are and how far a point is from their surfaces, for deciding which
 * object a grasp acts on. Shapes come from the task's MuJoCo model at the demonstration's
 * placement (every geom of the object's body and its child bodies, e.g. a drawer and its handle).
 */
import { quatRotate, sub, transformPoint, poseInverse, type Pose, type Vec3 } from '../../core/geometry.ts';
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
        local: { position: transformPoint(inv, gp.position), quaternion: quatMulInv(inv, gp) },
      });
    }
    return { name: o.name, pose, geoms };
  });
}

function quatMulInv(inv: Pose, gp: Pose) {
  const [ax, ay, az, aw] = inv.quaternion;
  const [bx, by, bz, bw] = gp.quaternion;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ] as [number, number, number, number];
}

/** Signed distance (m) from a point to one geom's surface (negative inside). */
function geomDistance(g: ShapeGeom, objectPose: Pose, p: Vec3): number {
  const world: Pose = { position: transformPoint(objectPose, g.local.position), quaternion: quatMulInv(objectPose, g.local) };
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

/**
 * A parallel gripper centres what it grasps between its fingers: the shift (m) along the
 * gripper's closing axis (x) that puts the centre of the object's geom nearest to the gripper on
 * the gripper's mid-plane. 0 when that geom is too wide along the closing axis to be centred by
 * closing (a bar grasped along its length, a wall) or the shift would exceed `max`.
 */
export function closingCentring(shape: ObjectShape, pose: Pose, gripper: Pose, max: number, maxHalfWidth = 0.05): number {
  if (max <= 0) return 0;
  let best: ShapeGeom | undefined;
  let bestD = Infinity;
  for (const g of shape.geoms) {
    const d = geomDistance(g, pose, gripper.position);
    if (d < bestD) {
      bestD = d;
      best = g;
    }
  }
  if (!best || bestD > 0.03) return 0;
  const centre = transformPoint(pose, best.local.position);
  const geomQ = quatMulInv(pose, best.local);
  const x = quatRotate(gripper.quaternion, [1, 0, 0]);
  // Half-width of the geom along x (boxes exactly; round shapes by their radius).
  const inGeom = quatRotate([-geomQ[0], -geomQ[1], -geomQ[2], geomQ[3]], x);
  const [s0, s1, s2] = best.size;
  const half =
    best.type === 'box' ? Math.abs(inGeom[0]) * s0 + Math.abs(inGeom[1]) * s1 + Math.abs(inGeom[2]) * s2
    : best.type === 'sphere' ? s0
    : best.type === 'capsule' || best.type === 'cylinder' ? s0 + Math.abs(inGeom[2]) * s1
    : Math.max(s0, s1, s2);
  if (half > maxHalfWidth) return 0;
  const d = (centre[0] - gripper.position[0]) * x[0] + (centre[1] - gripper.position[1]) * x[1] + (centre[2] - gripper.position[2]) * x[2];
  return Math.abs(d) <= max ? d : 0;
}

/** Offset of a point from an object origin, in the object frame (for carrying it rigidly). */
export const inObjectFrame = (pose: Pose, p: Vec3): Vec3 => quatRotate([-pose.quaternion[0], -pose.quaternion[1], -pose.quaternion[2], pose.quaternion[3]], sub(p, pose.position));
