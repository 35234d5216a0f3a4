/**
 * ROS camera_info YAML, one file per camera, as camera_calibration / camera_info_manager write it:
 * image_width, image_height, camera_name, camera_matrix {rows, cols, data}, distortion_model,
 * distortion_coefficients, rectification_matrix (R_i), projection_matrix (P_i, 3×4).
 *
 * Also the message itself as `rostopic echo` / `ros2 topic echo` print it (height, width, D/K/R/P
 * or d/k/r/p as flat lists; the side then comes from header.frame_id).
 *
 * The stereo extrinsics of a calibrated pair live in R_i and P_i: both cameras rotate into a common
 * rectified frame, x_rect_i = R_i · x_i, and the right P has Tx = −fx'·baseline (Ty for vertical
 * rigs). So x_rect_right = x_rect_left + [Tx/fx', Ty/fy', 0], hence
 *   R = R_rightᵀ · R_left,  T = R_rightᵀ · [ΔTx/fx', ΔTy/fy', 0]   (x_right = R · x_left + T).
 */
import { YotoError } from '../../core/errors.ts';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { isRotation, mat3MulVec, mat3Mul, mat3ToRows, mat3Transpose } from '../../core/geometry.ts';
import type { CameraIntrinsics, Extrinsics } from '../stereo-camera.ts';
import { distortionFromCoefficients, intrinsicsFromK } from './intrinsics-from-matrix.ts';
import { asMatrix, asNumber, has, pick, requireField } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

const KEYS = {
  width: ['image_width', 'width'],
  height: ['image_height', 'height'],
  K: ['camera_matrix', 'K', 'k'],
  D: ['distortion_coefficients', 'D', 'd'],
  R: ['rectification_matrix', 'R', 'r'],
  P: ['projection_matrix', 'P', 'p'],
} as const;

export const isRosCameraInfo = (src: YamlSource): boolean =>
  has(src.data, ['camera_matrix']) || (has(src.data, ['K', 'k']) && has(src.data, ['P', 'p']) && has(src.data, ['width']));

export interface RosCameraInfo {
  path: string;
  name: string;
  intrinsics: CameraIntrinsics;
  /** Rectification rotation R_i (identity when absent). */
  rectification: Mat3;
  /** Rectified projection P_i, row-major 3×4 (null when absent). */
  projection: number[] | null;
}

export function readRosCameraInfo(src: YamlSource): RosCameraInfo {
  const w = requireField(src, KEYS.width);
  const h = requireField(src, KEYS.height);
  const k = requireField(src, KEYS.K);
  const K = asMatrix(k.value, src, k.key, 3, 3).data;
  const modelField = pick(src.data, ['distortion_model']);
  const model = modelField ? String(modelField.value) : 'plumb_bob';
  const d = pick(src.data, KEYS.D);
  const D = d ? asMatrix(d.value, src, d.key).data : [];
  const size: [number, number] = [asNumber(w.value, src, w.key), asNumber(h.value, src, h.key)];
  const intrinsics = intrinsicsFromK(K, distortionFromCoefficients(D, src, d?.key ?? KEYS.D[0], model), size, src, k.key);
  const r = pick(src.data, KEYS.R);
  // An all-zero R or P is how an uncalibrated camera_info message says "not set".
  const set = (m: number[]) => m.some((v) => v !== 0);
  const rData = r ? asMatrix(r.value, src, r.key, 3, 3).data : [];
  const rectification = set(rData) ? (rData as Mat3) : ([1, 0, 0, 0, 1, 0, 0, 0, 1] as Mat3);
  if (!isRotation(rectification, 1e-4)) throw new YotoError(`field ${r?.key} is not a rotation matrix`, src.path);
  const p = pick(src.data, KEYS.P);
  const pData = p ? asMatrix(p.value, src, p.key, 3, 4).data : [];
  const projection = set(pData) ? pData : null;
  const header = src.data.header;
  const frameId = header && typeof header === 'object' ? (header as Record<string, unknown>).frame_id : undefined;
  const name = pick(src.data, ['camera_name'])?.value ?? frameId;
  return { path: src.path, name: typeof name === 'string' ? name : '', intrinsics, rectification, projection };
}

/** Which side a camera_info names itself ('left'/'right' in camera_name), if it does. */
export function sideFromName(info: RosCameraInfo): 'left' | 'right' | undefined {
  const n = info.name.toLowerCase();
  const l = /left/.test(n);
  const r = /right/.test(n);
  return l && !r ? 'left' : r && !l ? 'right' : undefined;
}

/** The rectified baseline term [Tx/fx', Ty/fy'] of a projection matrix. */
const projectionShift = (P: number[]): [number, number] => [P[3] / P[0], P[7] / P[5]];

/** True when the camera_info carries a stereo translation (non-zero Tx or Ty in P). */
export const hasStereoShift = (info: RosCameraInfo): boolean => !!info.projection && (info.projection[3] !== 0 || info.projection[7] !== 0);

/** Extrinsics of a rectified pair from the two camera_infos' R and P. */
export function extrinsicsFromRectified(left: RosCameraInfo, right: RosCameraInfo): Extrinsics {
  if (!right.projection || !hasStereoShift(right))
    throw new YotoError(
      'missing stereo extrinsics: projection_matrix has Tx = Ty = 0 (not a calibrated stereo pair); give an extrinsics YAML with R and T',
      right.path,
    );
  const [lx, ly] = left.projection ? projectionShift(left.projection) : [0, 0];
  const [rx, ry] = projectionShift(right.projection);
  const RrT = mat3Transpose(right.rectification);
  const R = mat3Mul(RrT, left.rectification);
  const T: Vec3 = mat3MulVec(RrT, [rx - lx, ry - ly, 0]);
  return { R: mat3ToRows(R), T };
}
