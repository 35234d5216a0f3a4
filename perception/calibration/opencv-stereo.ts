/**
 * OpenCV stereo calibration YAML, as cv::FileStorage writes the results of cv::stereoCalibrate:
 * `%YAML:1.0`, `!!opencv-matrix` entries K1 D1 K2 D2 R T (also the names of OpenCV's stereo_calib
 * sample, M1 D1 M2 D2, and cameraMatrix1/distCoeffs1...), and, when the writer saved it, the image
 * size (`image_size: [w, h]`, `imageSize`, or `image_width`/`image_height`). The stereo_calib sample
 * splits intrinsics.yml (M1 D1 M2 D2) from extrinsics.yml (R T R1 R2 P1 P2 Q): pass both.
 */
import { YotoError } from '../../core/errors.ts';
import type { CameraIntrinsics } from '../stereo-camera.ts';
import type { CalibrationParts } from './calibration-parts.ts';
import { readExtrinsicsFields } from './calibration-parts.ts';
import { distortionFromCoefficients, intrinsicsFromK } from './intrinsics-from-matrix.ts';
import { asMatrix, asNumber, has, pick, requireField } from './yaml-source.ts';
import type { YamlSource } from './yaml-source.ts';

export const OPENCV_KEYS = {
  K1: ['K1', 'M1', 'cameraMatrix1', 'camera_matrix_1', 'cameraMatrixL', 'mtxL'],
  D1: ['D1', 'distCoeffs1', 'dist_coeffs_1', 'distCoeffsL', 'distL'],
  K2: ['K2', 'M2', 'cameraMatrix2', 'camera_matrix_2', 'cameraMatrixR', 'mtxR'],
  D2: ['D2', 'distCoeffs2', 'dist_coeffs_2', 'distCoeffsR', 'distR'],
} as const;

export const isOpenCvStereo = (src: YamlSource): boolean => has(src.data, OPENCV_KEYS.K1) || has(src.data, OPENCV_KEYS.K2);

/** The image size written in the file, if any. */
export function readImageSize(src: YamlSource): [number, number] | undefined {
  const size = pick(src.data, ['image_size', 'imageSize', 'img_size', 'size']);
  if (size) {
    const m = asMatrix(size.value, src, size.key);
    if (m.data.length !== 2) throw new YotoError(`field ${size.key} must be [width, height]`, src.path);
    return [m.data[0], m.data[1]];
  }
  const w = pick(src.data, ['image_width', 'imageWidth', 'width']);
  const h = pick(src.data, ['image_height', 'imageHeight', 'height']);
  if (w && h) return [asNumber(w.value, src, w.key), asNumber(h.value, src, h.key)];
  return undefined;
}

function camera(src: YamlSource, kKeys: readonly string[], dKeys: readonly string[], size: [number, number]): CameraIntrinsics {
  const k = requireField(src, kKeys);
  const d = requireField(src, dKeys);
  const K = asMatrix(k.value, src, k.key, 3, 3).data;
  const D = asMatrix(d.value, src, d.key).data;
  return intrinsicsFromK(K, distortionFromCoefficients(D, src, d.key), size, src, k.key);
}

/**
 * Both cameras' intrinsics and, when present in the same file, R and T. `imageSize` is used when the
 * file has none (stereoCalibrate's output often does not).
 */
export function readOpenCvStereo(src: YamlSource, opts: { imageSize?: [number, number]; translationScale?: number } = {}): CalibrationParts {
  // Check every camera field before the size, so a file missing K2 says so rather than image_size.
  for (const keys of [OPENCV_KEYS.K1, OPENCV_KEYS.D1, OPENCV_KEYS.K2, OPENCV_KEYS.D2]) requireField(src, keys);
  const size = readImageSize(src) ?? opts.imageSize;
  if (!size)
    throw new YotoError('missing field image_size ([width, height]; stereoCalibrate files often lack it: add it, or pass the image size)', src.path);
  const parts: CalibrationParts = {
    kind: 'opencv-stereo',
    path: src.path,
    left: camera(src, OPENCV_KEYS.K1, OPENCV_KEYS.D1, size),
    right: camera(src, OPENCV_KEYS.K2, OPENCV_KEYS.D2, size),
  };
  if (has(src.data, ['R']) || has(src.data, ['T'])) parts.extrinsics = readExtrinsicsFields(src, opts.translationScale);
  return parts;
}
