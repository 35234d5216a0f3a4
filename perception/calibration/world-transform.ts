/**
 * The camera→world transform file: where the left camera's optical frame (x right, y down,
 * z forward) sits in the world / robot-base frame (REP-103, z up). A small YAML:
 *
 *   frame: world                 # parent frame (default world)
 *   child_frame: cam_left        # optional; must be cam_left when given
 *   translation: [x, y, z]       # metres; or {x: .., y: .., z: ..} as in geometry_msgs/Transform
 *   rotation: [x, y, z, w]       # quaternion (alias `quaternion`); or {x: .., y: .., z: .., w: ..}
 *
 * or, instead of translation + rotation, `matrix`: the 4×4 homogeneous x_world = M · x_cam.
 * The same fields may sit under a `cam_left_to_world` key (as in calib.yaml).
 */
import { YotoError } from '../../core/errors.ts';
import type { Mat3, Quat, Vec3 } from '../../core/geometry.ts';
import { isRotation, mat3ToQuat, quatNormalize } from '../../core/geometry.ts';
import type { WorldTransform } from '../stereo-camera.ts';
import { asMatrix, asNumber, has, pick } from './yaml-source.ts';
import type { YamlMap, YamlSource } from './yaml-source.ts';

export const WORLD_KEY = 'cam_left_to_world';

export const isWorldTransform = (src: YamlSource): boolean =>
  has(src.data, [WORLD_KEY, 'translation', 'rotation', 'quaternion', 'matrix']);

function vector(value: unknown, keys: readonly string[], src: YamlSource, field: string): number[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const m = value as YamlMap;
    return keys.map((k) => {
      if (m[k] === undefined) throw new YotoError(`missing field ${field}.${k}`, src.path);
      return asNumber(m[k], src, `${field}.${k}`);
    });
  }
  const v = asMatrix(value, src, field).data;
  if (v.length !== keys.length) throw new YotoError(`field ${field} must have ${keys.length} values [${keys.join(', ')}]`, src.path);
  return v;
}

/** Read the transform from a file's fields (top-level or under `cam_left_to_world`). */
export function readWorldTransform(src: YamlSource): WorldTransform {
  const nested = src.data[WORLD_KEY];
  const data: YamlMap = nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as YamlMap) : src.data;
  const prefix = data === src.data ? '' : `${WORLD_KEY}.`;
  const inner: YamlSource = { ...src, data };
  const frame = data.frame === undefined ? 'world' : String(data.frame);
  const child = data.child_frame;
  if (child !== undefined && !['cam_left', 'camera_left', 'left'].includes(String(child)) && !/left.*optical/.test(String(child)))
    throw new YotoError(`field ${prefix}child_frame is ${String(child)}: yoto needs the left camera's optical frame (cam_left)`, src.path);
  const m = pick(data, ['matrix']);
  if (m) {
    const M = asMatrix(m.value, inner, `${prefix}matrix`, 4, 4).data;
    const R: Mat3 = [M[0], M[1], M[2], M[4], M[5], M[6], M[8], M[9], M[10]];
    if (!isRotation(R, 1e-4) || Math.abs(M[15] - 1) > 1e-9 || M[12] !== 0 || M[13] !== 0 || M[14] !== 0)
      throw new YotoError(`field ${prefix}matrix is not a rigid transform`, src.path);
    return { frame, translation: [M[3], M[7], M[11]], quaternion: mat3ToQuat(R) };
  }
  const t = pick(data, ['translation', 'position']);
  if (!t) throw new YotoError(`missing field ${prefix}translation`, src.path);
  const q = pick(data, ['rotation', 'quaternion', 'orientation']);
  if (!q) throw new YotoError(`missing field ${prefix}rotation`, src.path);
  const translation = vector(t.value, ['x', 'y', 'z'], inner, prefix + t.key) as Vec3;
  const quat = vector(q.value, ['x', 'y', 'z', 'w'], inner, prefix + q.key) as Quat;
  const n = Math.hypot(...quat);
  if (Math.abs(n - 1) > 1e-3) throw new YotoError(`field ${prefix}${q.key} must be a unit quaternion [x, y, z, w] (norm ${n.toPrecision(4)})`, src.path);
  return { frame, translation, quaternion: quatNormalize(quat) };
}

/** No world transform given: triangulated points stay in the left camera's optical frame. */
export const IDENTITY_WORLD: WorldTransform = { frame: 'cam_left', translation: [0, 0, 0], quaternion: [0, 0, 0, 1] };
