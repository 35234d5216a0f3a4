/**
 * Kalibr's camchain YAML (kalibr_calibrate_cameras output, also used by VINS / OpenVINS):
 *   cam0: {camera_model: pinhole, intrinsics: [fu, fv, pu, pv], distortion_model: radtan,
 *          distortion_coeffs: [k1, k2, r1, r2], resolution: [w, h], ...}
 *   cam1: {... same ..., T_cn_cnm1: 4×4}    # x_cam1 = T_cn_cnm1 · x_cam0
 * cam0 is the left camera and cam1 the right one; T_cn_cnm1 is already in metres.
 */
import { YotoError } from '../../core/errors.ts';
import type { Mat3, Vec3 } from '../../core/geometry.ts';
import { isRotation, mat3ToRows } from '../../core/geometry.ts';
import type { CameraIntrinsics, Extrinsics } from '../stereo-camera.ts';
import type { CalibrationParts } from './calibration-parts.ts';
import { distortionFromCoefficients, intrinsicsFromK } from './intrinsics-from-matrix.ts';
import { asMatrix, requireField } from './yaml-source.ts';
import type { YamlMap, YamlSource } from './yaml-source.ts';

const isMap = (v: unknown): v is YamlMap => !!v && typeof v === 'object' && !Array.isArray(v);

export const isKalibrCamchain = (src: YamlSource): boolean => isMap(src.data.cam0) && 'intrinsics' in src.data.cam0;

function camera(src: YamlSource, name: string): { intrinsics: CameraIntrinsics; cam: YamlSource } {
  const value = src.data[name];
  if (!isMap(value)) throw new YotoError(`missing field ${name}`, src.path);
  // Field names below are reported as `cam1.intrinsics` etc.
  const cam: YamlSource = { ...src, data: Object.fromEntries(Object.entries(value).map(([k, v]) => [`${name}.${k}`, v])) };
  const model = cam.data[`${name}.camera_model`];
  if (model !== undefined && model !== 'pinhole') throw new YotoError(`${name}: camera model ${String(model)} is not supported (yoto reads pinhole)`, src.path);
  const k = asMatrix(requireField(cam, [`${name}.intrinsics`]).value, cam, `${name}.intrinsics`).data;
  if (k.length !== 4) throw new YotoError(`field ${name}.intrinsics must be [fu, fv, pu, pv]`, src.path);
  const res = asMatrix(requireField(cam, [`${name}.resolution`]).value, cam, `${name}.resolution`).data;
  if (res.length !== 2) throw new YotoError(`field ${name}.resolution must be [width, height]`, src.path);
  const dModel = String(cam.data[`${name}.distortion_model`] ?? 'radtan');
  const d = cam.data[`${name}.distortion_coeffs`];
  const D = d === undefined ? [] : asMatrix(d, cam, `${name}.distortion_coeffs`).data;
  const dist = distortionFromCoefficients(D, src, `${name}.distortion_coeffs`, dModel === 'none' ? 'plumb_bob' : dModel);
  const K = [k[0], 0, k[2], 0, k[1], k[3], 0, 0, 1];
  return { intrinsics: intrinsicsFromK(K, dist, [res[0], res[1]], src, `${name}.intrinsics`), cam };
}

export function readKalibrCamchain(src: YamlSource): CalibrationParts {
  const left = camera(src, 'cam0').intrinsics;
  const { intrinsics: right, cam } = camera(src, 'cam1');
  const M = asMatrix(requireField(cam, ['cam1.T_cn_cnm1']).value, cam, 'cam1.T_cn_cnm1', 4, 4).data;
  const R: Mat3 = [M[0], M[1], M[2], M[4], M[5], M[6], M[8], M[9], M[10]];
  if (!isRotation(R, 1e-4)) throw new YotoError('field cam1.T_cn_cnm1 does not hold a rotation', src.path);
  const extrinsics: Extrinsics = { R: mat3ToRows(R), T: [M[3], M[7], M[11]] as Vec3 };
  return { kind: 'kalibr', path: src.path, left, right, extrinsics };
}
