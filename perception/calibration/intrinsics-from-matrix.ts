/**
 * Camera intrinsics from the K matrix and distortion vector that OpenCV and ROS files hold, with
 * the checks that keep yoto's model honest: no skew, plumb_bob only (higher-order coefficients must
 * be zero), positive focal lengths.
 */
import { YotoError } from '../../core/errors.ts';
import type { CameraIntrinsics, Distortion } from '../stereo-camera.ts';
import type { YamlSource } from './yaml-source.ts';

/** Distortion models yoto reads; the rational and thin-prism ones only when their extra terms are zero. */
const ACCEPTED_MODELS = new Set(['plumb_bob', 'radtan', 'radial-tangential', 'rational_polynomial', '']);

/**
 * plumb_bob distortion from a coefficient list [k1 k2 p1 p2 (k3 (k4 k5 k6 (s1 s2 s3 s4 (τx τy))))].
 * An empty list means no distortion.
 */
export function distortionFromCoefficients(d: readonly number[], src: YamlSource, field: string, model = 'plumb_bob'): Distortion {
  if (!ACCEPTED_MODELS.has(model))
    throw new YotoError(`distortion model ${model} is not supported (yoto reads plumb_bob / radial-tangential)`, src.path);
  if (![0, 4, 5, 8, 12, 14].includes(d.length))
    throw new YotoError(`field ${field} must have 4, 5, 8, 12 or 14 coefficients, found ${d.length}`, src.path);
  if (d.slice(5).some((v) => v !== 0))
    throw new YotoError(`field ${field} uses rational/thin-prism terms (beyond k3), which yoto does not support`, src.path);
  return { model: 'plumb_bob', k1: d[0] ?? 0, k2: d[1] ?? 0, p1: d[2] ?? 0, p2: d[3] ?? 0, k3: d[4] ?? 0 };
}

/** Intrinsics from a row-major 3×3 K. */
export function intrinsicsFromK(K: readonly number[], distortion: Distortion, imageSize: [number, number], src: YamlSource, field: string): CameraIntrinsics {
  const [fx, skew, cx, zero1, fy, cy, zero2, zero3, one] = K;
  if (!(fx > 0) || !(fy > 0)) throw new YotoError(`field ${field}: focal lengths must be positive`, src.path);
  if (Math.abs(zero1) > 1e-9 || Math.abs(zero2) > 1e-9 || Math.abs(zero3) > 1e-9 || Math.abs(one - 1) > 1e-9)
    throw new YotoError(`field ${field} is not a camera matrix [fx 0 cx; 0 fy cy; 0 0 1]`, src.path);
  if (Math.abs(skew) > 1e-6 * fx) throw new YotoError(`field ${field} has skew ${skew}, which yoto does not support`, src.path);
  const [w, h] = imageSize;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0)
    throw new YotoError(`image size must be two positive integers, found ${w}×${h}`, src.path);
  return { image_size: [w, h], fx, fy, cx, cy, distortion };
}
