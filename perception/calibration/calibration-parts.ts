/**
 * What one calibration file contributes (some of: left intrinsics, right intrinsics, the stereo
 * extrinsics, the camera→world transform, an image size), and the extrinsics fields every format
 * shares. `readCalibration` merges the parts of all given files into one StereoCalibration.
 */
import { YotoError } from '../../core/errors.ts';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { isRotation, mat3ToRows } from '../../core/geometry.ts';
import type { CameraIntrinsics, Extrinsics, WorldTransform } from '../stereo-camera.ts';
import { asMatrix, requireField } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

export type CalibrationKind = 'yoto' | 'opencv-stereo' | 'ros-camera-info' | 'kalibr' | 'extrinsics' | 'world';

export interface CalibrationParts {
  kind: CalibrationKind;
  path: string;
  left?: CameraIntrinsics;
  right?: CameraIntrinsics;
  extrinsics?: Extrinsics;
  world?: WorldTransform;
}

/** A stereo baseline longer than this is surely in other units than metres. */
export const MAX_BASELINE_M = 5;

/** Rotation matrix of a rotation vector (Rodrigues), row-major. */
export function rodrigues(r: Vec3): Mat3 {
  const th = Math.hypot(r[0], r[1], r[2]);
  if (th < 1e-15) return [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const [x, y, z] = [r[0] / th, r[1] / th, r[2] / th];
  const c = Math.cos(th);
  const s = Math.sin(th);
  const C = 1 - c;
  return [
    c + x * x * C, x * y * C - z * s, x * z * C + y * s,
    y * x * C + z * s, c + y * y * C, y * z * C - x * s,
    z * x * C - y * s, z * y * C + x * s, c + z * z * C,
  ];
}

/**
 * R (3×3, or a 3-vector rotation vector) and T (3 values) from a file, with T scaled to metres by
 * `translationScale`. R must be a rotation; T must look like metres.
 */
export function readExtrinsicsFields(src: YamlSource, translationScale = 1, rKeys = ['R'], tKeys = ['T']): Extrinsics {
  const rf = requireField(src, rKeys);
  const tf = requireField(src, tKeys);
  const rm = asMatrix(rf.value, src, rf.key);
  let R: Mat3;
  if (rm.data.length === 9) R = rm.data as Mat3;
  else if (rm.data.length === 3) R = rodrigues(rm.data as Vec3);
  else throw new YotoError(`field ${rf.key} must be a 3×3 rotation matrix or a rotation vector`, src.path);
  if (!isRotation(R, 1e-4)) throw new YotoError(`field ${rf.key} is not a rotation matrix (orthonormal, det +1)`, src.path);
  const t = asMatrix(tf.value, src, tf.key, 3, 1).data.map((v) => v * translationScale) as Vec3;
  const len = Math.hypot(...t);
  if (len > MAX_BASELINE_M)
    throw new YotoError(
      `field ${tf.key} has length ${len.toPrecision(4)}: yoto expects metres (stereoCalibrate reports T in the units of the board's square size; if those were millimetres, pass a translation scale of 0.001)`,
      src.path,
    );
  if (len === 0) throw new YotoError(`field ${tf.key} is zero: the two cameras cannot be at the same place`, src.path);
  return { R: mat3ToRows(R), T: t };
}
